//! Applies `cypher/schema.cypher` (every statement is `IF [NOT] EXISTS`), the property types
//! the database takes (`cypher/property_types.cypher`), then the data migrations, each of which
//! matches nothing once done: applying twice changes nothing.

use super::listing::TextSearch;
use super::{cypher, Graph, GraphResult};

/// How long start-up waits for new indexes to come online (a large graph's first start).
const INDEX_WAIT_SECONDS: i64 = 3600;

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
    let fulltext = async {
        graph
            .rows_unchecked(neo4rs::query(cypher::FULLTEXT_INDEX.text))
            .await?;
        graph
            .run(cypher::INDEXES_ONLINE.bind().param("seconds", INDEX_WAIT_SECONDS))
            .await?;
        graph.one::<i64>(cypher::FULLTEXT_PROBE.bind(), "n").await
    };
    let mode = match fulltext.await {
        Ok(_) => TextSearch::FullText,
        Err(e) => {
            tracing::info!(reason = %e, "no full-text index: text filters use CONTAINS");
            TextSearch::Contains
        }
    };
    graph.set_text_search(mode);
    Ok(applied + 1)
}
