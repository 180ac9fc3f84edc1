//! Jobs persisted as `(:Job)` nodes: the queue every replica claims from, the leases that say
//! who runs what, and the state the runner stores. This module only knows the node's shape; what
//! a job means lives in `jobs/`.
use serde::{Deserialize, Serialize};

use super::listing::{Order, PageAt};
use super::{cypher, now, param, Graph, GraphError, GraphResult};
use crate::model::{JobStatus, JobType, Progress};

/// The flat property map of a `(:Job)` node: Bolt properties cannot hold maps, so input, errors
/// and the checkpoint are JSON strings and progress counters are properties of their own. Type
/// and status are kept as stored here and typed by `jobs::model`, so that a node holding an
/// unknown one is still read, and its job failed saying why, instead of blocking the queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub job_type: String,
    pub input_json: String,
    /// Keys of what the job writes (framework URIs, a file URI): two live jobs never share one.
    pub resources: Vec<String>,
    pub created_by: String,
    pub created_time: String,
    pub started_time: Option<String>,
    /// How many times the job was claimed.
    pub attempts: i64,
    pub cancel_requested: bool,
    /// Bumped on every change a subscriber may want to see.
    pub version: i64,
    #[serde(flatten)]
    pub state: JobState,
}

/// What a running job's owner writes: everything that moves while it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobState {
    pub status: String,
    pub last_modified_time: String,
    pub finished_time: Option<String>,
    pub message: Option<String>,
    pub errors_json: String,
    pub errors_dropped: i64,
    #[serde(flatten)]
    pub progress: Progress,
    /// What the job's handler needs to resume (JSON).
    pub checkpoint_json: String,
    /// Until when the owner's claim holds, in Unix milliseconds.
    pub lease_until: i64,
    /// The process running (or holding) the job.
    pub owner: Option<String>,
}

/// The answer to a store: whether the job is still ours, and whether it was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Owned {
        cancel_requested: bool,
    },
    /// Another process holds the job now, or it has ended: stop without writing.
    Lost,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub async fn create(graph: &Graph, job: &JobRecord) -> GraphResult<JobRecord> {
    let q = cypher::JOB_CREATE.bind().param("props", param(job)?);
    graph
        .one(q, "job")
        .await?
        .ok_or_else(|| GraphError::Decode("job not created".into()))
}

pub async fn by_name(graph: &Graph, name: &str) -> GraphResult<Option<JobRecord>> {
    graph
        .one(cypher::JOB_BY_NAME.bind().param("name", name), "job")
        .await
}

/// The job's change counter, or `None` when there is no such job.
pub async fn version(graph: &Graph, name: &str) -> GraphResult<Option<i64>> {
    let q = cypher::JOB_VERSION.bind().param("name", name);
    let v: Option<Option<i64>> = graph.one(q, "version").await?;
    Ok(v.map(Option::unwrap_or_default))
}

/// Which jobs a listing shows; every part is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct JobFilter<'a> {
    pub job_type: Option<JobType>,
    pub status: Option<JobStatus>,
    pub created_by: Option<&'a str>,
}

impl JobFilter<'_> {
    /// The listing statements (page, count) for this combination of filters, bound.
    fn statements(&self) -> (cypher::Bound, cypher::Bound) {
        use cypher::*;
        let which = (
            self.job_type.is_some(),
            self.status.is_some(),
            self.created_by.is_some(),
        );
        let [page, count]: [&'static Statement; 2] = match which {
            (false, false, false) => [&JOBS_PAGE, &JOBS_COUNT],
            (true, false, false) => [&JOBS_PAGE_T, &JOBS_COUNT_T],
            (false, true, false) => [&JOBS_PAGE_S, &JOBS_COUNT_S],
            (false, false, true) => [&JOBS_PAGE_C, &JOBS_COUNT_C],
            (true, true, false) => [&JOBS_PAGE_TS, &JOBS_COUNT_TS],
            (true, false, true) => [&JOBS_PAGE_TC, &JOBS_COUNT_TC],
            (false, true, true) => [&JOBS_PAGE_SC, &JOBS_COUNT_SC],
            (true, true, true) => [&JOBS_PAGE_TSC, &JOBS_COUNT_TSC],
        };
        let bind = |st: &'static Statement| {
            let mut q = st.bind();
            for (key, value) in [
                ("type", self.job_type.map(JobType::as_str)),
                ("status", self.status.map(JobStatus::as_str)),
                ("created_by", self.created_by),
            ] {
                if let Some(v) = value {
                    q = q.param(key, v);
                }
            }
            q
        };
        (bind(page), bind(count))
    }
}

/// Jobs, newest first (created time, then name).
pub async fn page(
    graph: &Graph,
    filter: JobFilter<'_>,
    at: &PageAt,
) -> GraphResult<Vec<JobRecord>> {
    let (q, _) = filter.statements();
    let q = at.bind(q, Order::Descending, "after_time", "after_name");
    graph.column(q, "job").await
}

pub async fn count(graph: &Graph, filter: JobFilter<'_>) -> GraphResult<i64> {
    let (_, q) = filter.statements();
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}

/// Claims one job for `owner` until `lease_until` (Unix ms), or `None` when there is nothing to
/// claim. A cheap read goes first so that idle replicas do not write on every poll. A job whose
/// process died `max_attempts` times is ended as failed instead (its name is logged). `running`:
/// the jobs `owner` runs now, never claimable to it.
pub async fn claim(
    graph: &Graph,
    owner: &str,
    lease_until: i64,
    max_attempts: i64,
    running: Vec<String>,
) -> GraphResult<Option<JobRecord>> {
    let now_ms = now_ms();
    let q = cypher::JOB_CLAIMABLE
        .bind()
        .param("owner", owner)
        .param("now_ms", now_ms)
        .param("running", running.clone());
    if graph.one::<i64>(q, "n").await?.unwrap_or(0) == 0 {
        return Ok(None);
    }
    let q = cypher::JOBS_CRASHED
        .bind()
        .param("now_ms", now_ms)
        .param("now", now())
        .param("max_attempts", max_attempts)
        .param("running", running.clone());
    for name in graph.column::<String>(q, "name").await? {
        tracing::error!(job = %name, max_attempts, "job failed: its process died in each of its last attempts");
    }
    let q = cypher::JOB_CLAIM
        .bind()
        .param("owner", owner)
        .param("now_ms", now_ms)
        .param("now", now())
        .param("lease_until", lease_until)
        .param("token", uuid::Uuid::new_v4().to_string())
        .param("running", running);
    graph.one(q, "job").await
}

/// Stores the state of a job `owner` runs (`bump`: whether subscribers should see a change).
pub async fn store(
    graph: &Graph,
    name: &str,
    owner: &str,
    state: &JobState,
    bump: bool,
) -> GraphResult<Stored> {
    let q = cypher::JOB_STORE
        .bind()
        .param("name", name)
        .param("owner", owner)
        .param("now_ms", now_ms())
        .param("props", param(state)?)
        .param("bump", i64::from(bump));
    Ok(match graph.one::<bool>(q, "cancel_requested").await? {
        Some(cancel_requested) => Stored::Owned { cancel_requested },
        None => Stored::Lost,
    })
}

/// Extends the lease of the queued jobs `owner` holds for itself.
pub async fn hold(graph: &Graph, owner: &str, lease_until: i64) -> GraphResult<i64> {
    let q = cypher::JOBS_HOLD
        .bind()
        .param("owner", owner)
        .param("lease_until", lease_until);
    Ok(graph.one(q, "n").await?.unwrap_or(0))
}

/// Cancels a queued job or flags an active one; returns the job and its status before.
pub async fn cancel(
    graph: &Graph,
    name: &str,
    message: &str,
) -> GraphResult<Option<(JobRecord, JobStatus)>> {
    let q = cypher::JOB_CANCEL
        .bind()
        .param("name", name)
        .param("message", message)
        .param("now", now())
        .param("now_ms", now_ms());
    let rows = graph.rows(q).await?;
    rows.first()
        .map(|r| {
            let was: String = r.get("was")?;
            let was = was.parse().map_err(|_| {
                GraphError::Decode(format!("job {name} has the unknown status {was:?}"))
            })?;
            Ok((r.get("job")?, was))
        })
        .transpose()
}
