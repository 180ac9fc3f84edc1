//! Asynchronous jobs, durable in the graph: any replica may run any queued job. A process claims
//! a job atomically, holds a lease it renews while it works, and stores progress and checkpoints
//! on the job node; a job whose lease runs out (its process died) is claimed again elsewhere and
//! resumes. Cancellation and live updates go through the node too, so they work across replicas.
mod credential_engine_import;
mod file_load;
pub mod handlers;
mod live;
pub mod model;
mod registry;
mod revert_import;
mod runner;
mod watch;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::JobConfig;
use crate::graph::jobs::{self as stored, now_ms, JobRecord};
use crate::graph::listing::PageAt;
use crate::graph::{now, Graph, GraphError, GraphResult};
use crate::ingest::file_load::s3::AwsCredentials;
pub use handlers::{Handler, JobFailure, RunContext};
use model::{Job, JobSpec, JobStatus, JobType};
pub use registry::Handlers;

/// Which jobs a listing shows: of a type, in a status, created by someone (each optional).
#[derive(Debug, Clone, Default)]
pub struct JobListing {
    pub job_type: Option<JobType>,
    pub status: Option<JobStatus>,
    pub created_by: Option<String>,
}

impl JobListing {
    fn stored(&self) -> stored::JobFilter<'_> {
        stored::JobFilter {
            job_type: self.job_type,
            status: self.status,
            created_by: self.created_by.as_deref(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("no job named {0}")]
    NotFound(String),
    #[error("job {0} has already ended as {1}")]
    AlreadyEnded(String, &'static str),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// Who submits a job, until callers authenticate.
pub const ANONYMOUS: &str = "anonymous";
const CANCELLED_MESSAGE: &str = "cancelled on request";

/// The timings of leases, heartbeats and polls.
#[derive(Clone, Debug)]
pub struct Timings {
    pub lease: Duration,
    pub heartbeat: Duration,
    pub poll: Duration,
    pub drain: Duration,
    pub watch: Duration,
    /// Attempts lost to a dying process before a job is failed.
    pub max_attempts: i64,
}

impl From<&JobConfig> for Timings {
    fn from(c: &JobConfig) -> Self {
        Timings {
            lease: Duration::from_millis(c.lease_ms),
            heartbeat: Duration::from_millis(c.heartbeat_ms),
            poll: Duration::from_millis(c.poll_ms),
            drain: Duration::from_millis(c.drain_ms),
            watch: Duration::from_millis(c.watch_ms),
            max_attempts: i64::from(c.max_attempts.max(1)),
        }
    }
}

/// This process's job service: submit, read, cancel, follow, and the runner that claims work.
pub struct Jobs {
    graph: Graph,
    timings: Timings,
    /// This process, as it appears in `owner` on the jobs it runs.
    owner: String,
    handlers: Handlers,
    slots: Arc<Semaphore>,
    /// Credentials of the file loads this process accepted, in memory only, until they run.
    secrets: Mutex<HashMap<String, AwsCredentials>>,
    running: Mutex<HashMap<String, live::Running>>,
    wake: Notify,
    /// Fires at shutdown: stop claiming, hand work back.
    stopping: CancellationToken,
    /// Fires once the running jobs are handed back or drained: subscriptions send their last
    /// state and complete.
    closed: CancellationToken,
    tasks: TaskTracker,
    /// One poller per job followed here, shared by its subscribers.
    watchers: Arc<watch::Watchers>,
}

impl Jobs {
    pub fn new(graph: Graph, config: &JobConfig, handlers: Handlers) -> Arc<Self> {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        let id = uuid::Uuid::new_v4().simple().to_string();
        let closed = CancellationToken::new();
        let watch = Duration::from_millis(config.watch_ms);
        let watchers = watch::Watchers::new(graph.clone(), watch, closed.clone());
        Arc::new(Self {
            graph,
            timings: config.into(),
            owner: format!("{host}:{}:{}", std::process::id(), &id[..8]),
            handlers,
            slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
            secrets: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            stopping: CancellationToken::new(),
            watchers,
            closed,
            tasks: TaskTracker::new(),
        })
    }

    /// This process's name in `owner`.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Resolves once shutdown has handed back or drained the running jobs.
    pub async fn closed(&self) {
        self.closed.cancelled().await
    }

    /// Starts claiming and running jobs.
    pub fn start(self: &Arc<Self>) {
        let me = self.clone();
        self.tasks.spawn(async move { me.claim_loop().await });
    }

    /// `first`, then the job again on every visible change, wherever it runs; ends when the job
    /// ends, or, at shutdown, after sending the job's state as it was left.
    pub fn follow(&self, first: Job) -> impl Stream<Item = Arc<Job>> + Send + 'static {
        self.watchers.follow(first)
    }

    pub async fn get(&self, name: &str) -> GraphResult<Option<Job>> {
        stored::by_name(&self.graph, name)
            .await?
            .map(Job::try_from)
            .transpose()
    }

    pub async fn list(&self, filter: &JobListing, at: &PageAt) -> GraphResult<Vec<Job>> {
        let records = stored::page(&self.graph, filter.stored(), at).await?;
        records.into_iter().map(Job::try_from).collect()
    }

    pub async fn count(&self, filter: &JobListing) -> GraphResult<i64> {
        stored::count(&self.graph, filter.stored()).await
    }

    /// Stores a new queued job and returns it at once. A job with `secrets` (a file load) is
    /// held for this process, the only one that has them; any replica may claim the others.
    pub async fn submit(
        &self,
        spec: JobSpec,
        secrets: Option<AwsCredentials>,
        created_by: &str,
    ) -> GraphResult<Job> {
        let name = uuid::Uuid::new_v4().to_string();
        let mut job = Job::new(name.clone(), spec, created_by.into(), now());
        let mut record = JobRecord::from(&job);
        if let Some(secrets) = secrets {
            job.owner = Some(self.owner.clone());
            record.state.owner = job.owner.clone();
            record.state.lease_until = now_ms() + self.timings.lease.as_millis() as i64;
            self.secrets.lock().unwrap().insert(name, secrets);
        }
        let job = match stored::create(&self.graph, &record).await {
            Ok(r) => Job::try_from(r)?,
            Err(e) => {
                self.secrets.lock().unwrap().remove(&job.name);
                return Err(e);
            }
        };
        self.wake.notify_one();
        Ok(job)
    }

    /// Cancels a queued job at once; an active one, wherever it runs, stops within a heartbeat
    /// (at once if it runs here), keeping what it already wrote.
    pub async fn cancel(&self, name: &str) -> Result<Job, CancelError> {
        let (record, was) = stored::cancel(&self.graph, name, CANCELLED_MESSAGE)
            .await?
            .ok_or_else(|| CancelError::NotFound(name.to_string()))?;
        let job = Job::try_from(record)?;
        match was {
            JobStatus::Queued => {
                self.secrets.lock().unwrap().remove(name);
            }
            JobStatus::Active => self.interrupt(name, live::StopReason::Cancelled),
            ended => return Err(CancelError::AlreadyEnded(name.into(), ended.as_str())),
        }
        Ok(job)
    }

    /// Stops claiming, hands running jobs that resume from a checkpoint back to the queue
    /// (another replica, or this one restarted, resumes them; each handler says whether it
    /// does), gives the others the drain timeout to finish, then lets subscriptions send their
    /// last state.
    pub async fn shutdown(&self) {
        self.stopping.cancel();
        let handed_back = self.interrupt_where(live::StopReason::Handover, |t| {
            self.handlers.for_type(t).resumes()
        });
        tracing::info!(
            jobs = handed_back,
            "shutting down: resumable jobs handed back to the queue"
        );
        self.tasks.close();
        if tokio::time::timeout(self.timings.drain, self.tasks.wait())
            .await
            .is_err()
        {
            let n = self.interrupt_where(live::StopReason::Drain, |_| true);
            tracing::warn!(jobs = n, "drain timeout: stopping the jobs still running");
            let _ = tokio::time::timeout(self.timings.lease, self.tasks.wait()).await;
        }
        self.closed.cancel();
    }
}
