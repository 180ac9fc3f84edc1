//! Jobs persisted as `(:Job)` nodes, so they outlive the process that ran them.
use neo4rs::query;
use serde::{Deserialize, Serialize};

use super::{cypher, now, param, Graph, GraphError, GraphResult};
use crate::jobs::model::{Job, JobStatus, JobType, Progress};

/// The flat property map of a `(:Job)` node: Bolt properties cannot hold maps, so input and
/// errors are JSON strings and progress counters are properties of their own.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct JobRecord {
    name: String,
    #[serde(rename = "type")]
    job_type: String,
    status: String,
    input_json: String,
    created_by: String,
    created_time: String,
    last_modified_time: String,
    started_time: Option<String>,
    finished_time: Option<String>,
    message: Option<String>,
    errors_json: String,
    errors_dropped: i64,
    frameworks_total: i64,
    frameworks_done: i64,
    competencies_total: i64,
    competencies_done: i64,
    rows_read: i64,
    rows_loaded: i64,
    rows_rejected: i64,
}

impl From<&Job> for JobRecord {
    fn from(j: &Job) -> Self {
        let p = &j.progress;
        JobRecord {
            name: j.name.clone(),
            job_type: j.job_type.as_str().into(),
            status: j.status.as_str().into(),
            input_json: j.input.to_string(),
            created_by: j.created_by.clone(),
            created_time: j.created_time.clone(),
            last_modified_time: j.last_modified_time.clone(),
            started_time: j.started_time.clone(),
            finished_time: j.finished_time.clone(),
            message: j.message.clone(),
            errors_json: serde_json::to_string(&j.errors).unwrap_or_else(|_| "[]".into()),
            errors_dropped: j.errors_dropped,
            frameworks_total: p.frameworks_total,
            frameworks_done: p.frameworks_done,
            competencies_total: p.competencies_total,
            competencies_done: p.competencies_done,
            rows_read: p.rows_read,
            rows_loaded: p.rows_loaded,
            rows_rejected: p.rows_rejected,
        }
    }
}

impl TryFrom<JobRecord> for Job {
    type Error = GraphError;

    fn try_from(r: JobRecord) -> GraphResult<Self> {
        let bad = |what: &str| GraphError::Decode(format!("job {}: bad {what}", r.name));
        Ok(Job {
            job_type: JobType::parse(&r.job_type).ok_or_else(|| bad("type"))?,
            status: JobStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
            input: serde_json::from_str(&r.input_json).unwrap_or(serde_json::Value::Null),
            errors: serde_json::from_str(&r.errors_json).unwrap_or_default(),
            progress: Progress {
                frameworks_total: r.frameworks_total,
                frameworks_done: r.frameworks_done,
                competencies_total: r.competencies_total,
                competencies_done: r.competencies_done,
                rows_read: r.rows_read,
                rows_loaded: r.rows_loaded,
                rows_rejected: r.rows_rejected,
            },
            name: r.name,
            created_by: r.created_by,
            created_time: r.created_time,
            last_modified_time: r.last_modified_time,
            started_time: r.started_time,
            finished_time: r.finished_time,
            message: r.message,
            errors_dropped: r.errors_dropped,
        })
    }
}

fn decode(rec: Option<JobRecord>) -> GraphResult<Option<Job>> {
    rec.map(Job::try_from).transpose()
}

pub async fn create(graph: &Graph, job: &Job) -> GraphResult<Job> {
    let q = query(cypher::JOB_CREATE).param("props", param(&JobRecord::from(job))?);
    decode(graph.one(q, "job").await?)?.ok_or_else(|| GraphError::Decode("job not created".into()))
}

/// Writes the whole job (it is small) and returns it as stored.
pub async fn save(graph: &Graph, job: &Job) -> GraphResult<Option<Job>> {
    let q = query(cypher::JOB_UPDATE)
        .param("name", job.name.as_str())
        .param("props", param(&JobRecord::from(job))?);
    decode(graph.one(q, "job").await?)
}

pub async fn by_name(graph: &Graph, name: &str) -> GraphResult<Option<Job>> {
    decode(
        graph
            .one(query(cypher::JOB_BY_NAME).param("name", name), "job")
            .await?,
    )
}

pub async fn page(
    graph: &Graph,
    job_type: Option<JobType>,
    status: Option<JobStatus>,
    skip: usize,
    limit: usize,
) -> GraphResult<Vec<Job>> {
    let q = query(cypher::JOBS_PAGE)
        .param("type", job_type.map(|t| t.as_str()))
        .param("status", status.map(|s| s.as_str()))
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    let records: Vec<JobRecord> = graph.column(q, "job").await?;
    records.into_iter().map(Job::try_from).collect()
}

/// Marks jobs left queued or active by a previous process as failed; returns how many.
pub async fn fail_interrupted(graph: &Graph, reason: &str) -> GraphResult<i64> {
    let q = query(cypher::JOBS_FAIL_INTERRUPTED)
        .param("reason", reason)
        .param("now", now());
    Ok(graph.one(q, "n").await?.unwrap_or(0))
}
