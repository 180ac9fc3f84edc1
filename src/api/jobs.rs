//! GraphQL surface of jobs: query, list, start, cancel, and follow live.
use async_graphql::{ComplexObject, Context, Json, Object, Result, SimpleObject, Subscription, ID};
use futures::Stream;

use super::actions::StartError;
use super::errors::{bad_input, coded, db, not_found};
use super::node;
use super::pagination::{edges, window, Edge, PageInfo};
use super::skills::state;
use crate::jobs::model::{Job, JobStatus, JobType};
use crate::jobs::CancelError;

/// What the stored job does not hold as a field of its own.
#[ComplexObject]
impl Job {
    /// Global identifier (Relay); `node(id:)` fetches the job.
    pub async fn id(&self) -> ID {
        node::id(node::Kind::Job, &self.name)
    }
    async fn r#type(&self) -> JobType {
        self.job_type()
    }
    /// What the job was asked to do, without secrets.
    async fn input(&self) -> Json<serde_json::Value> {
        Json(self.spec.input_json())
    }
    /// Whether the job has ended (succeeded, failed or cancelled).
    async fn finished(&self) -> bool {
        self.status.is_terminal()
    }
}

/// One page of the job listing.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct JobConnection {
    pub edges: Vec<Edge<Job>>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    filter: (Option<JobType>, Option<JobStatus>),
}

#[ComplexObject]
impl JobConnection {
    /// Number of jobs matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let (job_type, status) = self.filter;
        state(ctx)?.jobs.count(job_type, status).await.map_err(db)
    }
    /// The jobs of this page, without cursors.
    async fn nodes(&self) -> Vec<Job> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

#[derive(Default)]
pub struct JobQuery;

#[Object]
impl JobQuery {
    /// One job by name; null when there is none.
    async fn job(&self, ctx: &Context<'_>, job_name: String) -> Result<Option<Job>> {
        let found = state(ctx)?.jobs.get(&job_name).await.map_err(db)?;
        Ok(found)
    }

    /// Jobs, newest first, optionally of one type and status.
    #[graphql(complexity = "(first.max(1) as usize).saturating_mul(child_complexity)")]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        r#type: Option<JobType>,
        status: Option<JobStatus>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<JobConnection> {
        let state = state(ctx)?;
        let (start, first) = window(first, after.as_deref(), state.config.limits.max_page_size)?;
        let rows = state
            .jobs
            .list(r#type, status, start, first + 1)
            .await
            .map_err(db)?;
        let (edges, page_info) = edges(rows, start, first);
        Ok(JobConnection {
            edges,
            page_info,
            filter: (r#type, status),
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
        state(ctx)?
            .start_credential_engine_import(&competency_frameworks)
            .await
            .map_err(start_error)
    }

    /// Asks a queued or active job to stop. Data it already wrote stays.
    async fn cancel_job(&self, ctx: &Context<'_>, job_name: String) -> Result<Job> {
        match state(ctx)?.jobs.cancel(&job_name).await {
            Ok(job) => Ok(job),
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
        Ok(jobs.follow(current))
    }
}
