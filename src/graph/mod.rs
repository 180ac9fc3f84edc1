//! Access to the graph database: a neo4rs pool, the Cypher files, and typed reads and writes.
pub mod cypher;
pub mod events;
pub mod jobs;
pub mod migrate;
pub mod skills;
pub mod writes;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use neo4rs::{BoltType, ConfigBuilder, Query, Row};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use crate::config::DbConfig;

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("graph database error: {0}")]
    Database(#[from] neo4rs::Error),
    #[error("unexpected row shape from the graph database: {0}")]
    Decode(String),
    #[error("parameter could not be encoded for the graph database: {0}")]
    Encode(String),
}

pub type GraphResult<T> = Result<T, GraphError>;

/// A cheap-to-clone handle on the database pool. Counts every statement sent, so tests and the
/// `/metrics` endpoint can prove that nested GraphQL fields are batched (no N+1).
#[derive(Clone)]
pub struct Graph {
    inner: neo4rs::Graph,
    statements: Arc<AtomicU64>,
}

impl Graph {
    /// Connects as the URI's scheme says: `bolt://` (or no scheme) to one server, `neo4j://`
    /// with routing (writes to the cluster leader, reads spread), `+s` with TLS, `+ssc` with TLS
    /// accepting a self-signed certificate. Checks the connection before returning.
    pub async fn connect(cfg: &DbConfig) -> GraphResult<Self> {
        // Two rustls crypto providers are linked (the AWS SDK's and the driver's): TLS needs
        // one chosen for the process, or `+s` URIs panic.
        static TLS: std::sync::Once = std::sync::Once::new();
        TLS.call_once(|| {
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        });
        let config = ConfigBuilder::default()
            .uri(cfg.uri.as_str())
            .user(cfg.user.as_str())
            .password(cfg.password.as_str())
            .db(cfg.database.as_str())
            .max_connections(cfg.max_connections)
            .build()?;
        let graph = Self {
            inner: neo4rs::Graph::connect(config)?,
            statements: Arc::new(AtomicU64::new(0)),
        };
        // The driver connects lazily: fail here, with the address, rather than on first use.
        graph.rows(neo4rs::query(cypher::HEALTH)).await?;
        Ok(graph)
    }

    /// Number of Cypher statements sent since start-up.
    pub fn statements_sent(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Runs a statement whose result is not needed.
    pub async fn run(&self, q: Query) -> GraphResult<()> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.inner.run(q).await?;
        Ok(())
    }

    /// Runs an idempotent write (a MERGE batch), trying again when it fails: concurrent
    /// MERGEs of the same keys can conflict (a unique constraint race, or a concurrent
    /// modification), and the retry then finds the nodes the other transaction created.
    pub async fn run_idempotent(&self, q: Query) -> GraphResult<()> {
        const ATTEMPTS: u32 = 4;
        let mut attempt = 1;
        loop {
            match self.run(q.clone()).await {
                Err(GraphError::Database(e)) if attempt < ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, "batch write conflicted; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Runs a statement and collects all rows.
    pub async fn rows(&self, q: Query) -> GraphResult<Vec<Row>> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let mut stream = self.inner.execute(q).await?;
        let mut rows = Vec::new();
        while let Some(row) = stream.next().await? {
            rows.push(row);
        }
        Ok(rows)
    }

    /// Runs a statement and decodes column `col` of every row.
    pub async fn column<T: DeserializeOwned>(&self, q: Query, col: &str) -> GraphResult<Vec<T>> {
        self.rows(q).await?.iter().map(|r| get(r, col)).collect()
    }

    /// Runs a statement expected to return at most one row and decodes column `col`.
    pub async fn one<T: DeserializeOwned>(&self, q: Query, col: &str) -> GraphResult<Option<T>> {
        Ok(self.column(q, col).await?.into_iter().next())
    }
}

pub fn get<T: DeserializeOwned>(row: &Row, col: &str) -> GraphResult<T> {
    row.get::<T>(col)
        .map_err(|e| GraphError::Decode(format!("column {col}: {e}")))
}

/// Encodes any serialisable value (typically a `Vec` of row structs for `UNWIND $rows`) as a
/// Bolt parameter.
pub fn param<T: Serialize>(value: &T) -> GraphResult<BoltType> {
    let json = serde_json::to_value(value).map_err(|e| GraphError::Encode(e.to_string()))?;
    BoltType::try_from(json).map_err(|e| GraphError::Encode(e.to_string()))
}

/// Timestamps are stored as RFC 3339 UTC strings: they sort lexically, and they read back the
/// same from every Bolt server (temporal types differ between Neo4j and other Bolt servers).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
