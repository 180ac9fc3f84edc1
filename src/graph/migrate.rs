//! Applies `cypher/schema.cypher` (every statement is `IF [NOT] EXISTS`), the property types
//! the database takes (`cypher/property_types.cypher`), then the data migrations, each of which
//! matches nothing once done: applying twice changes nothing.

use super::listing::TextSearch;
use super::{cypher, Graph, GraphResult};

/// How long start-up waits for new indexes to come online (a large graph's first start), in
/// waits short enough for the statement deadline.
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(3600);
const INDEX_WAIT_STEP_SECONDS: i64 = 10;

pub async fn apply(graph: &Graph) -> GraphResult<usize> {
    let mut applied = 0;
    // The schema file is the one statement file run piece by piece: the parts take no
    // parameters and return nothing.
    for stmt in cypher::statements(cypher::SCHEMA.text) {
        graph.rows_unchecked(neo4rs::query(&stmt)).await?;
        applied += 1;
    }
    // Typed listing keys where the database takes them; none is needed for correctness.
    let mut refused = None;
    for stmt in cypher::statements(cypher::PROPERTY_TYPES.text) {
        match graph.rows_unchecked(neo4rs::query(&stmt)).await {
            Ok(_) => applied += 1,
            Err(e) => refused = Some(e),
        }
    }
    if let Some(e) = refused {
        tracing::info!(reason = %e, "property type constraints not (all) applied");
    }
    let relabelled: i64 = (graph
        .one(cypher::RELABEL_LEARNING_EVENTS.bind(), "n")
        .await?)
        .unwrap_or(0);
    if relabelled > 0 {
        tracing::info!(relabelled, "learning events now carry the SkillEvent label");
    }
    // Full-text search where the database has it (Neo4j); anything else keeps CONTAINS.
    let mode = match graph
        .rows_unchecked(neo4rs::query(cypher::FULLTEXT_INDEX.text))
        .await
    {
        Err(e) => {
            tracing::info!(reason = %e, "no full-text index: text filters use CONTAINS");
            TextSearch::Contains
        }
        Ok(_) => {
            indexes_online(graph).await?;
            match graph.one::<i64>(cypher::FULLTEXT_PROBE.bind(), "n").await {
                Ok(_) => TextSearch::FullText,
                Err(e) => {
                    tracing::warn!(reason = %e, "full-text index does not answer: text filters use CONTAINS");
                    TextSearch::Contains
                }
            }
        }
    };
    graph.set_text_search(mode);
    Ok(applied + 1)
}

/// Waits until Neo4j has populated every index: a replica reports ready only once its listings
/// and text search can use them.
async fn indexes_online(graph: &Graph) -> GraphResult<()> {
    let started = std::time::Instant::now();
    loop {
        let wait = cypher::INDEXES_ONLINE
            .bind()
            .param("seconds", INDEX_WAIT_STEP_SECONDS);
        match graph.run(wait).await {
            Ok(()) => return Ok(()),
            Err(e) if started.elapsed() < INDEX_WAIT => {
                tracing::info!(reason = %e, "waiting for the indexes to come online");
            }
            Err(e) => return Err(e),
        }
    }
}
