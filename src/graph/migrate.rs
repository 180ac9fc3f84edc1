//! Applies `cypher/schema.cypher` (every statement is `IF NOT EXISTS`), then the data
//! migrations, each of which matches nothing once done: applying twice changes nothing.

use super::{cypher, Graph, GraphResult};

pub async fn apply(graph: &Graph) -> GraphResult<usize> {
    let mut applied = 0;
    // The schema file is the one statement file run piece by piece: the parts take no
    // parameters and return nothing.
    for stmt in cypher::statements(cypher::SCHEMA.text) {
        graph.rows_unchecked(neo4rs::query(&stmt)).await?;
        applied += 1;
    }
    let relabelled: i64 = (graph
        .one(cypher::RELABEL_LEARNING_EVENTS.bind(), "n")
        .await?)
        .unwrap_or(0);
    if relabelled > 0 {
        tracing::info!(relabelled, "learning events now carry the SkillEvent label");
    }
    Ok(applied + 1)
}
