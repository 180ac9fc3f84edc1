//! The graph's generation: a counter in the database that every committed write batch
//! advances, so that read caches in every replica can tell when their answers may be stale.
use super::{cypher, Graph, GraphResult};

/// Advances the generation after a batch has committed (its own small statement: a failure to
/// advance is an error of the write, since caches would otherwise keep stale answers). Sent
/// again when unanswered, it may advance twice: caches then drop their answers once more.
pub async fn bump(graph: &Graph) -> GraphResult<()> {
    graph.run_idempotent(cypher::GENERATION_BUMP.bind()).await?;
    // After the bump has committed: a cache that refreshes on this reads the new generation.
    graph.note_write();
    Ok(())
}

pub async fn current(graph: &Graph) -> GraphResult<i64> {
    Ok(graph
        .one(cypher::GENERATION.bind(), "value")
        .await?
        .unwrap_or(0))
}
