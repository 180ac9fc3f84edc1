//! Access to the graph database: a neo4rs pool, the Cypher files, and typed reads and writes.
pub mod curation;
pub mod cypher;
mod driver_log;
mod error;
pub mod events;
pub mod generation;
mod import_merge;
pub mod jobs;
pub mod listing;
pub mod migrate;
mod outage;
pub mod revert;
pub mod skill_filter;
pub mod skills;
pub mod writes;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use neo4rs::{BoltType, ConfigBuilder, Row};

use cypher::{Bound, Record};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use crate::config::DbConfig;
use error::transient;
pub use error::{GraphError, GraphResult};

/// A cheap-to-clone handle on the database pool. Counts every statement sent, so tests and the
/// `/metrics` endpoint can prove that nested GraphQL fields are batched (no N+1).
#[derive(Clone)]
pub struct Graph {
    inner: neo4rs::Graph,
    statements: Arc<AtomicU64>,
    /// Deadline of one statement, the driver's own retries included.
    deadline: Duration,
    /// Whether the full-text index answers (set by [`migrate::apply`]).
    fulltext: Arc<AtomicBool>,
    /// Write batches this process has committed: a read cache here refreshes the generation
    /// at once when it changes, rather than within its polling interval.
    writes: Arc<AtomicU64>,
    /// Whether the database is known to be unreachable (statements then fail fast).
    outage: Arc<outage::Outage>,
    /// Deadline of a statement sent to probe an unreachable database (the connect timeout).
    probe: Duration,
    /// How long [`Graph::waiting_out`] waits for an unreachable database.
    outage_wait: Duration,
}

impl Graph {
    /// Connects as the URI's scheme says: `bolt://` (or no scheme) to one server, `neo4j://`
    /// with routing (writes to the cluster leader, reads spread), `+s` with TLS, `+ssc` with TLS
    /// accepting a self-signed certificate. Checks the connection before returning.
    pub async fn connect(cfg: &DbConfig) -> GraphResult<Self> {
        driver_log::install();
        // Two rustls crypto providers are linked (the AWS SDK's and the driver's): TLS needs
        // one chosen for the process, or `+s` URIs panic.
        static TLS: std::sync::Once = std::sync::Once::new();
        TLS.call_once(|| {
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        });
        let config = ConfigBuilder::default()
            .uri(cfg.uri.as_str())
            .user(cfg.user.as_str())
            .password(secrecy::ExposeSecret::expose_secret(&cfg.password))
            .db(cfg.database.as_str())
            .max_connections(cfg.max_connections)
            // neo4rs bounds every wait for an answer by its connection timeout too: with the
            // connect timeout there, a statement answered slower than 3 s failed as "connection
            // timed out" well inside its deadline. Our own deadlines (the statement's, and the
            // probe's during an outage) bound connecting and answering.
            .connection_timeout(Duration::from_millis(
                cfg.statement_timeout_ms.max(cfg.connect_timeout_ms),
            ))
            .build()?;
        let graph = Self {
            inner: neo4rs::Graph::connect(config)?,
            statements: Arc::new(AtomicU64::new(0)),
            deadline: Duration::from_millis(cfg.statement_timeout_ms),
            fulltext: Arc::new(AtomicBool::new(false)),
            writes: Arc::new(AtomicU64::new(0)),
            outage: Default::default(),
            probe: Duration::from_millis(cfg.connect_timeout_ms),
            outage_wait: Duration::from_millis(cfg.outage_wait_ms),
        };
        // The driver connects lazily: fail here, with the address, rather than on first use.
        graph.ping(graph.deadline).await?;
        Ok(graph)
    }

    /// Like [`connect`](Self::connect), trying again with backoff for up to the configured
    /// start-up time, logging each failure with the address (never the password).
    pub async fn connect_patiently(cfg: &DbConfig) -> GraphResult<Self> {
        use backon::{ExponentialBuilder, Retryable};
        let policy = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(250))
            .with_max_delay(Duration::from_secs(2))
            .without_max_times();
        let deadline = std::time::Instant::now() + Duration::from_millis(cfg.startup_timeout_ms);
        (|| Self::connect(cfg))
            .retry(policy)
            .when(|e| e.is_unavailable() && std::time::Instant::now() < deadline)
            .notify(|e, wait| {
                tracing::warn!(address = %cfg.uri, error = %e, retry_in = ?wait, "graph database not reachable yet")
            })
            .await
    }

    /// Write batches this process has committed.
    pub fn writes_noted(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    pub(crate) fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// How text filters are answered on this database.
    pub fn text_search(&self) -> listing::TextSearch {
        if self.fulltext.load(Ordering::Relaxed) {
            listing::TextSearch::FullText
        } else {
            listing::TextSearch::Contains
        }
    }

    pub(crate) fn set_text_search(&self, mode: listing::TextSearch) {
        let full = mode == listing::TextSearch::FullText;
        self.fulltext.store(full, Ordering::Relaxed);
    }

    /// Whether the database answers within `within`.
    pub async fn ping(&self, within: Duration) -> GraphResult<()> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let answer = async {
            let mut rows = self
                .inner
                .execute(neo4rs::query(cypher::HEALTH.text))
                .await?;
            while rows.next().await?.is_some() {}
            Ok::<_, neo4rs::Error>(())
        };
        let result = match tokio::time::timeout(within, answer).await {
            Ok(r) => r.map_err(GraphError::from),
            Err(_) => Err(GraphError::Unavailable(format!(
                "no answer within {within:?}"
            ))),
        };
        self.outage.record(&result);
        result
    }

    /// Number of Cypher statements sent since start-up.
    pub fn statements_sent(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Runs a statement whose result is not needed.
    pub async fn run(&self, q: Bound) -> GraphResult<()> {
        let q = q.checked()?;
        self.statements.fetch_add(1, Ordering::Relaxed);
        // Boxed: the driver's futures are large, and nested in the retry they outgrew a thread's
        // stack in debug builds (seen with neo4j:// routing).
        self.within_deadline(Box::pin(again_if_transient(|| self.inner.run(q.clone()))))
            .await?;
        Ok(())
    }

    /// `work` unless it takes longer than the statement deadline, or at once an error while
    /// the database is known to be unreachable ([`outage`]). Dropping a statement halfway is
    /// safe: the driver's pool drains or discards the connection before reusing it.
    async fn within_deadline<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, neo4rs::Error>>,
    ) -> GraphResult<T> {
        let deadline = self.outage.admit(self.deadline, self.probe)?;
        let started = std::time::Instant::now();
        let answer = tokio::time::timeout(deadline, work).await;
        metrics::histogram!("skillgraph_cypher_statement_duration_seconds")
            .record(started.elapsed().as_secs_f64());
        let result = match answer {
            Ok(r) => r.map_err(GraphError::from),
            Err(_) => Err(GraphError::Unavailable(format!(
                "no answer within {deadline:?}"
            ))),
        };
        self.outage.record(&result);
        result
    }

    /// Runs an idempotent write (a MERGE batch). The driver already retries transient errors
    /// (deadlocks, leader changes); this adds two more a re-run settles. Two transactions
    /// MERGEing the same new key: the loser hits the unique constraint and the re-run matches
    /// the node the winner created. A database that does not answer (a lost connection, a
    /// statement past its deadline, under load or in a fail-over): the batch is sent again for
    /// about ten seconds before the job fails, which is safe because running it twice leaves
    /// what running it once did. Nothing else is retried (a syntax or authentication error
    /// fails at once).
    pub async fn run_idempotent(&self, q: Bound) -> GraphResult<()> {
        self.idempotently(|| self.run(q.clone())).await
    }

    /// [`Graph::run_idempotent`] for a write whose rows are read.
    pub async fn rows_idempotent(&self, q: Bound) -> GraphResult<Vec<Record>> {
        self.idempotently(|| self.rows(q.clone())).await
    }

    async fn idempotently<T, F, Fut>(&self, work: F) -> GraphResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = GraphResult<T>>,
    {
        use backon::{ExponentialBuilder, Retryable};
        let policy = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(4))
            .with_max_times(6)
            .with_jitter();
        work.retry(policy)
            .when(|e| e.is_merge_race() || e.is_unavailable())
            .notify(|e, wait| {
                let reason = if e.is_unavailable() { "unavailable" } else { "merge_race" };
                metrics::counter!("skillgraph_cypher_retries_total", "reason" => reason)
                    .increment(1);
                tracing::warn!(error = %e, retry_in = ?wait, "batch write not done; sending it again");
            })
            .await
    }

    /// Runs a statement and collects all rows.
    pub async fn rows(&self, q: Bound) -> GraphResult<Vec<Record>> {
        let shape = q.shape.clone();
        let rows = self.rows_unchecked(q.checked()?).await?;
        Ok(rows
            .into_iter()
            .map(|row| Record {
                shape: shape.clone(),
                row,
            })
            .collect())
    }

    /// Runs a query that is not one of the service's statements (tests and tools inspecting
    /// the graph); the service itself only runs [`cypher::Statement`]s.
    pub async fn rows_unchecked(&self, q: neo4rs::Query) -> GraphResult<Vec<Row>> {
        self.statements.fetch_add(1, Ordering::Relaxed);
        self.within_deadline(Box::pin(again_if_transient(|| async {
            let mut stream = self.inner.execute(q.clone()).await?;
            let mut rows = Vec::new();
            while let Some(row) = stream.next().await? {
                rows.push(row);
            }
            Ok(rows)
        })))
        .await
    }

    /// The keys a write statement says it wrote (its one row's list column `written`; none if
    /// it answered no row).
    pub(super) async fn written(&self, q: Bound) -> GraphResult<std::collections::HashSet<String>> {
        let answer = self.rows_idempotent(q).await?;
        let keys: Vec<String> = match answer.first() {
            Some(r) => r.get("written")?,
            None => vec![],
        };
        Ok(keys.into_iter().collect())
    }

    /// Runs a statement and decodes column `col` of every row.
    pub async fn column<T: DeserializeOwned>(&self, q: Bound, col: &str) -> GraphResult<Vec<T>> {
        self.rows(q).await?.iter().map(|r| r.get(col)).collect()
    }

    /// Runs a statement expected to return at most one row and decodes column `col`.
    pub async fn one<T: DeserializeOwned>(&self, q: Bound, col: &str) -> GraphResult<Option<T>> {
        Ok(self.column(q, col).await?.into_iter().next())
    }
}

/// Waiting out an outage (see `outage.rs`), for work that is safe to repeat.
impl Graph {
    /// `work` again while it fails because the database is unreachable, each time once the
    /// database answers again, for up to the configured outage wait; `stop` ends the wait
    /// early. Only for work that is safe to repeat.
    pub async fn waiting_out<T, F, Fut>(
        &self,
        stop: impl Fn() -> bool,
        mut work: F,
    ) -> GraphResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = GraphResult<T>>,
    {
        let started = Instant::now();
        loop {
            match work().await {
                Err(e) if e.is_unavailable() && !stop() => {
                    tracing::warn!(error = %e, "graph database unreachable; waiting for it");
                    metrics::counter!("skillgraph_cypher_retries_total", "reason" => "outage")
                        .increment(1);
                    self.wait_for_answer(started, &stop).await?;
                }
                other => return other,
            }
        }
    }

    /// Pings with backoff until the database answers; `Unavailable` once the outage wait since
    /// `started` has passed (or `stop` says so).
    pub async fn wait_for_answer(
        &self,
        started: Instant,
        stop: &impl Fn() -> bool,
    ) -> GraphResult<()> {
        let mut pause = Duration::from_millis(250);
        loop {
            if stop() {
                return Err(GraphError::Unavailable("stopped waiting".into()));
            }
            if started.elapsed() >= self.outage_wait {
                return Err(GraphError::Unavailable(format!(
                    "unreachable for {:?}, longer than the outage wait",
                    started.elapsed()
                )));
            }
            if self.ping(self.probe).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// `attempt` again (within the caller's statement deadline) while Neo4j answers it with a
/// transient error. The driver retries those itself only when they come with the statement's
/// first answer; a deadlock found while the rows stream comes later. Counted by reason.
async fn again_if_transient<T, F, Fut>(attempt: F) -> Result<T, neo4rs::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, neo4rs::Error>>,
{
    use backon::{ExponentialBuilder, Retryable};
    let policy = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_secs(2))
        .with_max_times(10)
        .with_jitter();
    attempt
        .retry(policy)
        .when(|e| transient(e).is_some())
        .notify(|e, wait| {
            let reason = transient(e).unwrap_or("transient");
            metrics::counter!("skillgraph_cypher_retries_total", "reason" => reason).increment(1);
            tracing::warn!(error = %e, retry_in = ?wait, "the database asked for the statement again");
        })
        .await
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
