//! Answers to read queries, cached against the graph's generation: an answer is served again
//! for the same (query, variables, operation, caller role) until a write batch advances the
//! generation (this process sees its own writes at once, other replicas' within the refresh
//! interval), its TTL passes, or the byte bound pushes it out.
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection,
};
use axum::body::Bytes;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::api::auth::Identity;
use crate::api::graphql::documents::Parsed;
use crate::config::CacheConfig;
use crate::graph::{generation, Graph};

/// Root fields whose answers come from the skill graph only (no jobs, no caller-specific data).
const CACHEABLE_ROOTS: &[&str] = &[
    "skills",
    "skill",
    "skillConnection",
    "frameworks",
    "employee",
    "skillEvents",
    "__typename",
    "__schema",
    "__type",
];

/// A serialised answer: `Bytes`, so a hit is sent without copying it.
#[derive(Clone)]
struct Entry {
    body: Bytes,
    stored: Instant,
}

#[derive(Clone)]
struct ByteSize;

impl Weighter<(i64, u64), Entry> for ByteSize {
    fn weight(&self, _: &(i64, u64), e: &Entry) -> u64 {
        e.body.len() as u64 + 64
    }
}

/// The generation this process last read, when, and the local write count it had seen.
struct Seen {
    generation: i64,
    at: Instant,
    writes: u64,
}

pub struct ReadCache {
    entries: Cache<(i64, u64), Entry, ByteSize>,
    seen: Mutex<Option<Seen>>,
    ttl: Duration,
    refresh: Duration,
    /// `skillgraph_read_cache_requests_total` by result, registered once.
    hits: metrics::Counter,
    misses: metrics::Counter,
}

impl ReadCache {
    /// `None` when the cache is turned off.
    pub fn new(config: &CacheConfig) -> Option<Self> {
        config.enabled.then(|| Self {
            entries: Cache::with_weighter(1024, config.max_bytes, ByteSize),
            seen: Mutex::new(None),
            ttl: Duration::from_millis(config.ttl_ms),
            refresh: Duration::from_millis(config.refresh_ms),
            hits: metrics::counter!("skillgraph_read_cache_requests_total", "result" => "hit"),
            misses: metrics::counter!("skillgraph_read_cache_requests_total", "result" => "miss"),
        })
    }

    /// The key of a request, or `None` when its answer must not be cached (a mutation, a
    /// subscription, a request without a text, or a root field outside the graph). A persisted
    /// query is keyed by its text: the transport resolves its hash first.
    pub fn key(request: &async_graphql::Request, parsed: &Parsed, who: &Identity) -> Option<u64> {
        let doc = parsed.doc.as_ref()?;
        if request.query.is_empty() || !cacheable(doc, request.operation_name.as_deref()) {
            return None;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        request.query.hash(&mut h);
        request.operation_name.hash(&mut h);
        serde_json::to_string(&request.variables).ok()?.hash(&mut h);
        who.role.hash(&mut h);
        Some(h.finish())
    }

    /// The graph's generation as this process knows it: read again when the refresh interval
    /// has passed or this process has written since.
    pub async fn generation(&self, graph: &Graph) -> Option<i64> {
        let writes = graph.writes_noted();
        {
            let seen = self.seen.lock().unwrap();
            if let Some(s) = seen.as_ref() {
                if s.writes == writes && s.at.elapsed() < self.refresh {
                    return Some(s.generation);
                }
            }
        }
        // A database that cannot say means no caching, not a stale answer.
        let generation = generation::current(graph).await.ok()?;
        *self.seen.lock().unwrap() = Some(Seen {
            generation,
            at: Instant::now(),
            writes,
        });
        Some(generation)
    }

    pub fn get(&self, generation: i64, key: u64) -> Option<Bytes> {
        let fresh =
            (self.entries.get(&(generation, key))).filter(|e| e.stored.elapsed() < self.ttl);
        match fresh {
            Some(_) => self.hits.increment(1),
            None => self.misses.increment(1),
        }
        fresh.map(|e| e.body)
    }

    pub fn put(&self, generation: i64, key: u64, body: Bytes) {
        let entry = Entry {
            body,
            stored: Instant::now(),
        };
        self.entries.insert((generation, key), entry);
    }
}

/// Whether the operation to run is a query whose root fields all read the graph.
fn cacheable(doc: &ExecutableDocument, operation: Option<&str>) -> bool {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => op,
            None => return false,
        },
        (DocumentOperations::Multiple(_), None) => return false,
    };
    op.node.ty == OperationType::Query
        && (op.node.selection_set.node.items.iter()).all(|s| match &s.node {
            Selection::Field(f) => CACHEABLE_ROOTS.contains(&f.node.name.node.as_str()),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    /// Whether `query` is cacheable; a text that does not parse is not.
    fn text_cacheable(query: &str, operation: Option<&str>) -> bool {
        async_graphql::parser::parse_query(query).is_ok_and(|doc| super::cacheable(&doc, operation))
    }

    #[test]
    fn only_queries_of_the_graph_are_cacheable() {
        assert!(text_cacheable(
            "{ skills { name } frameworks { nodes { name } } }",
            None
        ));
        assert!(text_cacheable(
            "query A { skill(uuid: \"x\") { name } }",
            Some("A")
        ));
        assert!(!text_cacheable(
            "{ skills { name } jobs { nodes { name } } }",
            None
        ));
        assert!(!text_cacheable("{ node(id: \"x\") { id } }", None));
        assert!(!text_cacheable(
            "mutation { cancelJob(jobName: \"x\") { name } }",
            None
        ));
        assert!(!text_cacheable(
            "subscription { jobUpdates { name } }",
            None
        ));
        assert!(!text_cacheable(
            "{ ...F } fragment F on QueryRoot { skills { name } }",
            None
        ));
        assert!(!text_cacheable(
            "query A { skills { name } } query B { jobs { name } }",
            None
        ));
        assert!(!text_cacheable("{ skills {", None));
    }
}
