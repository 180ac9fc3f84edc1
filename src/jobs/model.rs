//! What a job is, independent of where it is stored or how it is shown.
use serde::{Deserialize, Serialize};

use crate::graph::jobs::{JobRecord, JobState};
use crate::graph::GraphError;
use crate::ingest::credential_engine::ImportInput;
use crate::ingest::file_load::LoadInput;
use crate::ingest::{Counter, Problem};
pub use crate::model::{JobStatus, JobType, Progress};

/// What a job was asked to do: one variant, with its own persisted input, per kind of job.
#[derive(Clone, Debug, PartialEq)]
pub enum JobSpec {
    CredentialEngine(ImportInput),
    FileLoad(LoadInput),
    RevertImport(RevertInput),
}

/// What a revert job undoes: the changes one import job recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevertInput {
    pub job_name: String,
}

impl JobSpec {
    pub fn job_type(&self) -> JobType {
        match self {
            JobSpec::CredentialEngine(_) => JobType::CredentialEngineIngestion,
            JobSpec::FileLoad(_) => JobType::FileLoad,
            JobSpec::RevertImport(_) => JobType::RevertImport,
        }
    }

    pub fn input_json(&self) -> serde_json::Value {
        match self {
            JobSpec::CredentialEngine(i) => serde_json::to_value(i),
            JobSpec::FileLoad(i) => serde_json::to_value(i),
            JobSpec::RevertImport(i) => serde_json::to_value(i),
        }
        .expect("plain data serialises")
    }

    /// What the job writes, as keys no two live jobs may share: the same framework or the same
    /// file is never written by two jobs at once.
    pub fn resources(&self) -> Vec<String> {
        match self {
            JobSpec::CredentialEngine(i) => i
                .competency_frameworks
                .iter()
                .map(|u| format!("framework:{u}"))
                .collect(),
            JobSpec::FileLoad(i) => vec![format!("file:{}", i.uri)],
            JobSpec::RevertImport(i) => vec![format!("revert:{}", i.job_name)],
        }
    }

    fn parse(job_type: JobType, input: &str) -> Result<Self, serde_json::Error> {
        Ok(match job_type {
            JobType::CredentialEngineIngestion => {
                JobSpec::CredentialEngine(serde_json::from_str(input)?)
            }
            JobType::FileLoad => JobSpec::FileLoad(serde_json::from_str(input)?),
            JobType::RevertImport => JobSpec::RevertImport(serde_json::from_str(input)?),
        })
    }
}

/// Advances one of a job's counters.
pub fn advance(progress: &mut Progress, counter: Counter, n: i64) {
    let c = match counter {
        Counter::FrameworksTotal => &mut progress.frameworks_total,
        Counter::FrameworksDone => &mut progress.frameworks_done,
        Counter::CompetenciesTotal => &mut progress.competencies_total,
        Counter::CompetenciesDone => &mut progress.competencies_done,
        Counter::RowsRead => &mut progress.rows_read,
        Counter::RowsLoaded => &mut progress.rows_loaded,
        Counter::RowsRejected => &mut progress.rows_rejected,
        Counter::ChangesKept => &mut progress.changes_kept,
        Counter::SkillsAdded => &mut progress.skills_added,
        Counter::SkillsChanged => &mut progress.skills_changed,
        Counter::SkillsRemoved => &mut progress.skills_removed,
        Counter::EdgesAdded => &mut progress.edges_added,
        Counter::EdgesChanged => &mut progress.edges_changed,
        Counter::EdgesRemoved => &mut progress.edges_removed,
        Counter::ChangesUnrecorded => &mut progress.changes_unrecorded,
    };
    *c += n;
}

/// One problem met by a job: what it was about (a URI, a competency, a row) and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct JobError {
    pub target: Option<String>,
    /// Line number in the input file, for file loads.
    pub line: Option<i64>,
    pub message: String,
}

/// What a job's handler needs to resume: the units (framework URIs) it has finished, and the
/// progress and error count as they were when the last one finished.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Checkpoint {
    pub done: Vec<String>,
    pub progress: Progress,
    pub errors: usize,
    pub errors_dropped: i64,
}

/// An asynchronous job (an import or a file load).
#[derive(Clone, Debug, PartialEq, async_graphql::SimpleObject)]
#[graphql(complex)]
pub struct Job {
    /// The job's name: a UUID.
    pub name: String,
    #[graphql(skip)]
    pub spec: JobSpec,
    pub status: JobStatus,
    pub created_by: String,
    pub created_time: String,
    pub last_modified_time: String,
    pub started_time: Option<String>,
    pub finished_time: Option<String>,
    /// Why the job failed or was cancelled.
    pub message: Option<String>,
    pub progress: Progress,
    /// Problems met on the way (the first 1,000; see `errorsDropped`).
    pub errors: Vec<JobError>,
    /// Errors beyond the stored ones.
    pub errors_dropped: i64,
    #[graphql(skip)]
    pub checkpoint: Checkpoint,
    /// The service process running the job, or that ran it last (`host:pid:id`).
    #[graphql(name = "runner")]
    pub owner: Option<String>,
    /// How many times a service process took the job on: more than 1 when it was resumed
    /// after its process stopped.
    pub attempts: i64,
    /// Whether `cancelJob` asked the job to stop (an active job stops within a second).
    pub cancel_requested: bool,
    /// Bumped on every visible change.
    #[graphql(skip)]
    pub version: i64,
    /// Bytes the stored errors take, to keep the node well under the database's message limit.
    #[graphql(skip)]
    errors_bytes: usize,
}

/// A job keeps at most this many errors...
pub const MAX_STORED_ERRORS: usize = 1000;
/// ...of at most this many characters each (message and target)...
pub const MAX_ERROR_CHARS: usize = 500;
/// ...and at most this many bytes of them in all; the rest are counted in `errors_dropped`.
pub const MAX_ERRORS_BYTES: usize = 256 * 1024;

/// JSON size of one stored error, give or take escaping.
fn error_bytes(e: &JobError) -> usize {
    e.message.len() + e.target.as_ref().map_or(0, String::len) + 64
}

/// `text` cut to `max` characters, saying so.
fn truncate(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((cut, _)) => format!("{}… [{} more bytes]", &text[..cut], text.len() - cut),
    }
}

impl Job {
    pub fn new(name: String, spec: JobSpec, created_by: String, now: String) -> Self {
        Job {
            name,
            spec,
            status: JobStatus::Queued,
            created_by,
            created_time: now.clone(),
            last_modified_time: now,
            started_time: None,
            finished_time: None,
            message: None,
            progress: Progress::default(),
            errors: vec![],
            errors_dropped: 0,
            checkpoint: Checkpoint::default(),
            owner: None,
            attempts: 0,
            cancel_requested: false,
            version: 0,
            errors_bytes: 2,
        }
    }

    pub fn job_type(&self) -> JobType {
        self.spec.job_type()
    }

    pub fn push_error(&mut self, problem: Problem) {
        let error = JobError {
            target: problem.target.map(|t| truncate(t, MAX_ERROR_CHARS)),
            line: problem.line,
            message: truncate(problem.message, MAX_ERROR_CHARS),
        };
        let bytes = error_bytes(&error);
        if self.errors.len() < MAX_STORED_ERRORS && self.errors_bytes + bytes <= MAX_ERRORS_BYTES {
            self.errors_bytes += bytes;
            self.errors.push(error);
        } else {
            self.errors_dropped += 1;
        }
    }

    /// The part of the job its running owner writes.
    pub fn state(&self) -> JobState {
        JobState {
            status: self.status.as_str().into(),
            last_modified_time: self.last_modified_time.clone(),
            finished_time: self.finished_time.clone(),
            message: self.message.clone(),
            errors_json: to_json(&self.errors),
            errors_dropped: self.errors_dropped,
            progress: self.progress.clone(),
            checkpoint_json: to_json(&self.checkpoint),
            lease_until: 0,
            owner: self.owner.clone(),
        }
    }

    /// Whether a subscriber would see no news: the same job but for the change counter, the
    /// checkpoint (not shown) and the modification time alone.
    pub fn looks_like(&self, other: &Job) -> bool {
        Job {
            version: other.version,
            checkpoint: other.checkpoint.clone(),
            last_modified_time: other.last_modified_time.clone(),
            ..self.clone()
        } == *other
    }
}

/// JSON text of plain data (strings, numbers, lists): serialising it cannot fail.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

impl From<&Job> for JobRecord {
    fn from(j: &Job) -> Self {
        JobRecord {
            name: j.name.clone(),
            job_type: j.job_type().as_str().into(),
            input_json: j.spec.input_json().to_string(),
            resources: j.spec.resources(),
            created_by: j.created_by.clone(),
            created_time: j.created_time.clone(),
            started_time: j.started_time.clone(),
            attempts: j.attempts,
            cancel_requested: j.cancel_requested,
            version: j.version,
            state: j.state(),
        }
    }
}

impl TryFrom<JobRecord> for Job {
    type Error = GraphError;

    /// A stored field that does not read back is an error, never a silent default.
    fn try_from(r: JobRecord) -> Result<Self, GraphError> {
        let bad = |what: &str, e: &dyn std::fmt::Display| {
            GraphError::Decode(format!("job {}: bad {what}: {e}", r.name))
        };
        let job_type: JobType = r.job_type.parse().map_err(|e| bad("type", &e))?;
        let s = r.state;
        let errors: Vec<JobError> =
            serde_json::from_str(&s.errors_json).map_err(|e| bad("errors", &e))?;
        let checkpoint = match s.checkpoint_json.as_str() {
            // Written before the job's first checkpoint.
            "" => Checkpoint::default(),
            json => serde_json::from_str(json).map_err(|e| bad("checkpoint", &e))?,
        };
        Ok(Job {
            spec: JobSpec::parse(job_type, &r.input_json).map_err(|e| bad("input", &e))?,
            status: s.status.parse().map_err(|e| bad("status", &e))?,
            errors_bytes: 2 + errors.iter().map(error_bytes).sum::<usize>(),
            errors,
            checkpoint,
            progress: s.progress,
            name: r.name,
            created_by: r.created_by,
            created_time: r.created_time,
            last_modified_time: s.last_modified_time,
            started_time: r.started_time,
            finished_time: s.finished_time,
            message: s.message,
            errors_dropped: s.errors_dropped,
            owner: s.owner,
            attempts: r.attempts,
            cancel_requested: r.cancel_requested,
            version: r.version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        let spec = JobSpec::CredentialEngine(ImportInput {
            competency_frameworks: vec!["https://x/resources/a".into()],
        });
        Job::new("n".into(), spec, "anonymous".into(), "t".into())
    }

    #[test]
    fn errors_are_truncated_and_bounded_in_count_and_bytes() {
        let mut j = job();
        for i in 0..1000 {
            j.push_error(Problem::at_line(i, "x".repeat(20_000)));
        }
        let stored = serde_json::to_string(&j.errors).unwrap().len();
        assert!(stored <= MAX_ERRORS_BYTES, "{stored}");
        assert!(
            j.errors.len() > 100 && j.errors.len() < 1000,
            "{}",
            j.errors.len()
        );
        assert_eq!(j.errors.len() as i64 + j.errors_dropped, 1000);
        assert!(j.errors[0].message.contains("more bytes"));
        assert!(j.errors[0].message.chars().count() < MAX_ERROR_CHARS + 40);
    }

    #[test]
    fn corrupt_stored_fields_are_errors_not_defaults() {
        let good = JobRecord::from(&job());
        let corrupt = |f: fn(&mut JobRecord)| {
            let mut r = good.clone();
            f(&mut r);
            Job::try_from(r).unwrap_err().to_string()
        };
        assert!(corrupt(|r| r.state.errors_json = "[{".into()).contains("bad errors"));
        assert!(
            corrupt(|r| r.state.checkpoint_json = "{\"done\": 3}".into())
                .contains("bad checkpoint")
        );
        assert!(corrupt(|r| r.input_json = "null".into()).contains("bad input"));
        assert!(corrupt(|r| r.state.status = "paused".into()).contains("bad status"));
        assert!(corrupt(|r| r.job_type = "reindex".into()).contains("bad type"));
    }

    #[test]
    fn records_round_trip_with_spec_and_checkpoint() {
        let mut j = job();
        j.checkpoint.done.push("https://x/resources/a".into());
        j.push_error(Problem::about("u", "why"));
        let back = Job::try_from(JobRecord::from(&j)).unwrap();
        assert_eq!(back, j);
        assert_eq!(
            JobRecord::from(&j).resources,
            vec!["framework:https://x/resources/a"]
        );
    }
}
