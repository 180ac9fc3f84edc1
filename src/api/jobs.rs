//! GraphQL surface of jobs: query, list, start, cancel, and follow live.
use async_graphql::{Context, Json, Object, Result, SimpleObject, Subscription};
use futures::Stream;

use super::actions::StartError;
use super::errors::{bad_input, coded, db, not_found};
use super::pagination::{decode_cursor, encode_cursor, page_bounds, PageInfo};
use super::skills::state;
use crate::jobs::model::{self, JobError, JobStatus, JobType, Progress};
use crate::jobs::CancelError;

/// An asynchronous job (an import or a file load).
pub struct Job(pub model::Job);

#[Object]
impl Job {
    /// The job's name: a UUID.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn r#type(&self) -> JobType {
        self.0.job_type()
    }
    async fn status(&self) -> JobStatus {
        self.0.status
    }
    /// What the job was asked to do, without secrets.
    async fn input(&self) -> Json<serde_json::Value> {
        Json(self.0.spec.input_json())
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
    async fn created_time(&self) -> &str {
        &self.0.created_time
    }
    async fn last_modified_time(&self) -> &str {
        &self.0.last_modified_time
    }
    async fn started_time(&self) -> Option<&str> {
        self.0.started_time.as_deref()
    }
    async fn finished_time(&self) -> Option<&str> {
        self.0.finished_time.as_deref()
    }
    /// Why the job failed or was cancelled.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    async fn progress(&self) -> &Progress {
        &self.0.progress
    }
    /// Problems met on the way (the first 1,000; see `errorsDropped`).
    async fn errors(&self) -> &[JobError] {
        &self.0.errors
    }
    /// Errors beyond the stored ones.
    async fn errors_dropped(&self) -> i64 {
        self.0.errors_dropped
    }
    /// Whether the job has ended (succeeded, failed or cancelled).
    async fn finished(&self) -> bool {
        self.0.status.is_terminal()
    }
    /// Whether `cancelJob` asked the job to stop (an active job stops within a second).
    async fn cancel_requested(&self) -> bool {
        self.0.cancel_requested
    }
    /// How many times a service process took the job on: more than 1 when it was resumed
    /// after its process stopped.
    async fn attempts(&self) -> i64 {
        self.0.attempts
    }
    /// The service process running the job, or that ran it last (`host:pid:id`).
    async fn runner(&self) -> Option<&str> {
        self.0.owner.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct JobConnection {
    pub nodes: Vec<Job>,
    pub page_info: PageInfo,
}

#[derive(Default)]
pub struct JobQuery;

#[Object]
impl JobQuery {
    /// One job by name; null when there is none.
    async fn job(&self, ctx: &Context<'_>, job_name: String) -> Result<Option<Job>> {
        let found = state(ctx)?.jobs.get(&job_name).await.map_err(db)?;
        Ok(found.map(Job))
    }

    /// Jobs, newest first, optionally of one type and status.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        r#type: Option<JobType>,
        status: Option<JobStatus>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<JobConnection> {
        let state = state(ctx)?;
        let start = after
            .as_deref()
            .map(decode_cursor)
            .transpose()?
            .map_or(0, |c| c + 1);
        let (start, first) = page_bounds(start as i32, first, state.config.limits.max_page_size)?;
        let mut jobs = state
            .jobs
            .list(r#type, status, start, first + 1)
            .await
            .map_err(db)?;
        let has_next_page = jobs.len() > first;
        jobs.truncate(first);
        Ok(JobConnection {
            page_info: PageInfo {
                has_next_page,
                has_previous_page: start > 0,
                start_cursor: (!jobs.is_empty()).then(|| encode_cursor(start)),
                end_cursor: (!jobs.is_empty()).then(|| encode_cursor(start + jobs.len() - 1)),
            },
            nodes: jobs.into_iter().map(Job).collect(),
        })
    }
}

#[derive(Default)]
pub struct JobMutation;

#[Object]
impl JobMutation {
    /// Starts importing CTDL-ASN competency frameworks from the Credential Engine Registry.
    /// Returns the job at once; follow it with `job` or `jobUpdates`.
    async fn import_credential_engine(
        &self,
        ctx: &Context<'_>,
        competency_frameworks: Vec<String>,
    ) -> Result<Job> {
        let job = state(ctx)?
            .start_credential_engine_import(&competency_frameworks)
            .await
            .map_err(start_error)?;
        Ok(Job(job))
    }

    /// Asks a queued or active job to stop. Data it already wrote stays.
    async fn cancel_job(&self, ctx: &Context<'_>, job_name: String) -> Result<Job> {
        match state(ctx)?.jobs.cancel(&job_name).await {
            Ok(job) => Ok(Job(job)),
            Err(CancelError::NotFound(n)) => Err(not_found(format!("no job named {n}"))),
            Err(e @ CancelError::AlreadyEnded(..)) => {
                Err(coded("JOB_ALREADY_ENDED", e.to_string()))
            }
            Err(CancelError::Graph(e)) => Err(db(e)),
        }
    }
}

pub(super) fn start_error(e: StartError) -> async_graphql::Error {
    match e {
        StartError::BadInput(msg) => bad_input(msg),
        StartError::Graph(e) => db(e),
    }
}

#[derive(Default)]
pub struct JobSubscription;

#[Subscription]
impl JobSubscription {
    /// The job now, then again on every change; completes when the job ends.
    async fn job_updates(
        &self,
        ctx: &Context<'_>,
        job_name: String,
    ) -> Result<impl Stream<Item = Job>> {
        let jobs = state(ctx)?.jobs.clone();
        let current = jobs
            .get(&job_name)
            .await
            .map_err(db)?
            .ok_or_else(|| not_found(format!("no job named {job_name}")))?;
        Ok(futures::StreamExt::map(jobs.follow(current), Job))
    }
}
