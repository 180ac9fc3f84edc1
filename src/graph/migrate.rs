//! Applies `cypher/schema.cypher`. Every statement is `IF NOT EXISTS`, so this is idempotent.

use super::{cypher, Graph, GraphResult};

pub async fn apply(graph: &Graph) -> GraphResult<usize> {
    let mut applied = 0;
    // The schema file is the one statement file run piece by piece: the parts take no
    // parameters and return nothing.
    for stmt in cypher::statements(cypher::SCHEMA.text) {
        graph.rows_unchecked(neo4rs::query(&stmt)).await?;
        applied += 1;
    }
    Ok(applied)
}
