//! GraphQL surface of jobs: query, list, start, cancel, and follow live.
use async_graphql::{ComplexObject, Context, Json, Object, Result, SimpleObject, Subscription, ID};
use futures::{Stream, StreamExt};

use super::context::{caller, require, state, subscription_slots};
use super::curation::{self, JobChangeConnection};
use super::errors::{bad_input, coded, db, limited, not_found, ErrorCode};
use super::node;
use super::pagination::{connection_cost, edges, keyset, Edge, PageInfo, COUNT_COST};
use crate::api::actions::StartError;
use crate::api::auth::Role;
use crate::jobs::model::{Job, JobStatus, JobType};
use crate::jobs::{CancelError, JobListing};

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
    /// What the job was asked to do, without secrets; shown to its creator and to admins.
    async fn input(&self, ctx: &Context<'_>) -> Result<Option<Json<serde_json::Value>>> {
        let who = caller(ctx)?;
        let own = who.role == Role::Admin || who.name == self.created_by;
        Ok(own.then(|| Json(self.spec.input_json())))
    }
    /// Whether the job has ended (succeeded, failed or cancelled).
    async fn finished(&self) -> bool {
        self.status.is_terminal()
    }
    /// What an import changed in the graph, in the order it wrote: each skill's fields before
    /// and after, the edges added and removed, and the job's counts (exact; the changes
    /// themselves are recorded up to 100,000 per job).
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<JobChangeConnection> {
        curation::job_changes(ctx, &self.name, &self.progress, first, after.as_deref()).await
    }
}

/// One page of the job listing.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct JobConnection {
    pub edges: Vec<Edge<Job>>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    filter: JobListing,
}

#[ComplexObject]
impl JobConnection {
    /// Number of jobs matching the filter, over all pages.
    #[graphql(complexity = "COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        state(ctx)?.jobs.count(&self.filter).await.map_err(db)
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
    /// A job the caller may not see (another caller's, for a non-admin) is null too.
    async fn job(&self, ctx: &Context<'_>, job_name: String) -> Result<Option<Job>> {
        visible(ctx, &job_name).await
    }

    /// Jobs, newest first, optionally of one type and status.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        r#type: Option<JobType>,
        status: Option<JobStatus>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<JobConnection> {
        let state = state(ctx)?;
        let at = keyset(first, after.as_deref(), state.config.limits.max_page_size)?;
        let who = caller(ctx)?;
        let filter = JobListing {
            job_type: r#type,
            status,
            // A non-admin lists its own jobs, unless the service says otherwise.
            created_by: (!who.sees_all_jobs(state.auth.jobs_visible_to_all))
                .then(|| who.name.clone()),
        };
        let rows = state.jobs.list(&filter, &at).await.map_err(db)?;
        let (edges, page_info) = edges(rows, &at);
        Ok(JobConnection {
            edges,
            page_info,
            filter,
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
        #[graphql(
            desc = "Registry URIs of competency frameworks or of `ceterms:` credentials (a credential also imports the frameworks its requirements name)."
        )]
        competency_frameworks: Vec<String>,
    ) -> Result<Job> {
        let who = require(ctx, Role::Editor)?;
        state(ctx)?
            .start_credential_engine_import(who, &competency_frameworks)
            .await
            .map_err(start_error)
    }

    /// Starts a job that undoes what the import `jobName` changed: fields back to their values
    /// before it, the edges it added removed, those it removed restored, the skills it created
    /// deleted. If a later change touched the same field or edge, the revert changes nothing
    /// and fails, its `errors` listing each conflict. Editors revert their own imports; admins
    /// any.
    async fn revert_job(&self, ctx: &Context<'_>, job_name: String) -> Result<Job> {
        let who = require(ctx, Role::Editor)?;
        state(ctx)?
            .start_revert(who, &job_name)
            .await
            .map_err(start_error)
    }

    /// Asks a queued or active job to stop. Data it already wrote stays. Editors cancel their
    /// own jobs; admins any.
    async fn cancel_job(&self, ctx: &Context<'_>, job_name: String) -> Result<Job> {
        let who = require(ctx, Role::Editor)?;
        let job = visible(ctx, &job_name)
            .await?
            .ok_or_else(|| not_found(format!("no job named {job_name}")))?;
        if who.role != Role::Admin && who.name != job.created_by {
            return Err(coded(
                ErrorCode::Forbidden,
                format!("{} may cancel its own jobs only", who.name),
            ));
        }
        let state = state(ctx)?;
        state
            .caller_limits
            .charge_mutation(&who.name)
            .map_err(|e| limited(&e))?;
        match state.jobs.cancel(&job_name).await {
            Ok(job) => Ok(job),
            Err(CancelError::NotFound(n)) => Err(not_found(format!("no job named {n}"))),
            Err(e @ CancelError::AlreadyEnded(..)) => {
                Err(coded(ErrorCode::JobAlreadyEnded, e.to_string()))
            }
            Err(CancelError::Graph(e)) => Err(db(e)),
        }
    }
}

/// The job, if there is one and the caller may see it.
pub(super) async fn visible(ctx: &Context<'_>, job_name: &str) -> Result<Option<Job>> {
    let state = state(ctx)?;
    let who = caller(ctx)?;
    state.visible_job(who, job_name).await.map_err(db)
}

pub(super) fn start_error(e: StartError) -> async_graphql::Error {
    match e {
        StartError::BadInput(msg) => bad_input(msg),
        StartError::Limited(e) => limited(&e),
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
    ) -> Result<impl Stream<Item = std::sync::Arc<Job>>> {
        let state = state(ctx)?;
        // Held while the subscription runs: counted against the caller and the connection.
        let held = subscription_slots(ctx)?;
        let current = visible(ctx, &job_name)
            .await?
            .ok_or_else(|| not_found(format!("no job named {job_name}")))?;
        Ok(state.jobs.follow(current).map(move |job| {
            let _ = &held;
            job
        }))
    }
}
