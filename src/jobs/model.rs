//! What a job is, independent of where it is stored or how it is shown.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a free runner slot.
    Queued,
    Active,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Active => "active",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
pub enum JobType {
    CredentialEngineIngestion,
    FileLoad,
}

impl JobType {
    pub fn as_str(self) -> &'static str {
        match self {
            JobType::CredentialEngineIngestion => "credential_engine_ingestion",
            JobType::FileLoad => "file_load",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// Counters a job advances as it goes; each kind of job uses the ones that fit it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct Progress {
    pub frameworks_total: i64,
    pub frameworks_done: i64,
    pub competencies_total: i64,
    pub competencies_done: i64,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rows_rejected: i64,
}

/// One problem met by a job: what it was about (a URI, a competency, a row) and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, async_graphql::SimpleObject)]
pub struct JobError {
    pub target: Option<String>,
    /// Line number in the input file, for file loads.
    pub line: Option<i64>,
    pub message: String,
}

impl JobError {
    pub fn about(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            target: Some(target.into()),
            line: None,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub name: String,
    pub job_type: JobType,
    pub status: JobStatus,
    /// The request, with secrets removed before it gets here.
    pub input: serde_json::Value,
    pub created_by: String,
    pub created_time: String,
    pub last_modified_time: String,
    pub started_time: Option<String>,
    pub finished_time: Option<String>,
    /// Why the job ended as it did, when that needs saying.
    pub message: Option<String>,
    pub progress: Progress,
    pub errors: Vec<JobError>,
    /// Errors beyond the stored ones (a job keeps at most `MAX_STORED_ERRORS`).
    pub errors_dropped: i64,
}

/// Bounds the size of a job node; the total is still counted.
pub const MAX_STORED_ERRORS: usize = 1000;

impl Job {
    pub fn push_error(&mut self, error: JobError) {
        if self.errors.len() < MAX_STORED_ERRORS {
            self.errors.push(error);
        } else {
            self.errors_dropped += 1;
        }
    }
}
