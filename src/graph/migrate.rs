//! Applies `cypher/schema.cypher`. Every statement is `IF NOT EXISTS`, so this is idempotent.
use neo4rs::query;

use super::{cypher, Graph, GraphResult};

pub async fn apply(graph: &Graph) -> GraphResult<usize> {
    let mut applied = 0;
    for stmt in cypher::statements(cypher::SCHEMA) {
        graph.run(query(&stmt)).await?;
        applied += 1;
    }
    Ok(applied)
}
