//! Asynchronous jobs: persisted in the graph, run on tokio tasks with bounded concurrency, and
//! broadcast on every change so subscriptions can follow them live.
pub mod model;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, Semaphore};

use crate::graph::{self, now, Graph, GraphResult};
use model::{Job, JobError, JobStatus, JobType, Progress};

/// Why a job's work stopped early.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

impl From<graph::GraphError> for JobFailure {
    fn from(e: graph::GraphError) -> Self {
        JobFailure::Failed(e.to_string())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("no job named {0}")]
    NotFound(String),
    #[error("job {0} has already ended as {1}")]
    AlreadyEnded(String, &'static str),
    #[error(transparent)]
    Graph(#[from] graph::GraphError),
}

pub struct Jobs {
    graph: Graph,
    updates: broadcast::Sender<Job>,
    permits: Arc<Semaphore>,
    /// Cancellation flags of the jobs this process runs.
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

impl Jobs {
    pub fn new(graph: Graph, concurrency: usize) -> Arc<Self> {
        let (updates, _) = broadcast::channel(1024);
        Arc::new(Self {
            graph,
            updates,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            running: Mutex::new(HashMap::new()),
        })
    }

    /// Jobs a crashed or stopped process left unfinished are marked failed with the reason.
    pub async fn recover_interrupted(&self) -> GraphResult<i64> {
        graph::jobs::fail_interrupted(
            &self.graph,
            "interrupted: the service stopped while the job was running; start it again to resume (imports are idempotent)",
        )
        .await
    }

    /// Every job change, as it is stored.
    pub fn subscribe(&self) -> broadcast::Receiver<Job> {
        self.updates.subscribe()
    }

    pub async fn get(&self, name: &str) -> GraphResult<Option<Job>> {
        graph::jobs::by_name(&self.graph, name).await
    }

    pub async fn list(
        &self,
        job_type: Option<JobType>,
        status: Option<JobStatus>,
        skip: usize,
        limit: usize,
    ) -> GraphResult<Vec<Job>> {
        graph::jobs::page(&self.graph, job_type, status, skip, limit).await
    }

    /// Stores a new queued job and starts `work` on it once a runner slot is free. Returns the
    /// job as stored, at once.
    pub async fn submit<F, Fut>(
        self: &Arc<Self>,
        job_type: JobType,
        input: serde_json::Value,
        work: F,
    ) -> GraphResult<Job>
    where
        F: FnOnce(JobContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), JobFailure>> + Send + 'static,
    {
        let t = now();
        let job = Job {
            name: uuid::Uuid::new_v4().to_string(),
            job_type,
            status: JobStatus::Queued,
            input,
            created_by: String::new(),
            created_time: t.clone(),
            last_modified_time: t,
            started_time: None,
            finished_time: None,
            message: None,
            progress: Progress::default(),
            errors: vec![],
            errors_dropped: 0,
        };
        let job = graph::jobs::create(&self.graph, &job).await?;
        let cancelled = Arc::new(AtomicBool::new(false));
        self.running
            .lock()
            .unwrap()
            .insert(job.name.clone(), cancelled.clone());
        let _ = self.updates.send(job.clone());

        let jobs = self.clone();
        let queued = job.clone();
        tokio::spawn(async move {
            let name = queued.name.clone();
            jobs.run(queued, cancelled, work).await;
            jobs.running.lock().unwrap().remove(&name);
        });
        Ok(job)
    }

    async fn run<F, Fut>(self: &Arc<Self>, job: Job, cancelled: Arc<AtomicBool>, work: F)
    where
        F: FnOnce(JobContext) -> Fut,
        Fut: Future<Output = Result<(), JobFailure>>,
    {
        let Ok(_permit) = self.permits.clone().acquire_owned().await else {
            return;
        };
        let ctx = JobContext {
            jobs: self.clone(),
            job: Arc::new(tokio::sync::Mutex::new(job)),
            cancelled,
        };
        if ctx.is_cancelled() {
            // cancel() already stored the job as cancelled while it was queued.
            return;
        }
        let started = ctx
            .update(|j| {
                j.status = JobStatus::Active;
                j.started_time = Some(now());
            })
            .await;
        let outcome = match started {
            Ok(()) => work(ctx.clone()).await,
            Err(e) => Err(e.into()),
        };
        let finished = ctx
            .update(|j| {
                j.finished_time = Some(now());
                match &outcome {
                    Ok(()) => j.status = JobStatus::Succeeded,
                    Err(JobFailure::Cancelled) => {
                        j.status = JobStatus::Cancelled;
                        j.message = Some("cancelled on request".into());
                    }
                    Err(JobFailure::Failed(why)) => {
                        j.status = JobStatus::Failed;
                        j.message = Some(why.clone());
                    }
                }
            })
            .await;
        if let Err(e) = finished {
            tracing::error!(error = %e, "could not store the end of a job");
        }
    }

    /// Asks a job to stop. A queued job is cancelled at once; an active one stops at its next
    /// checkpoint (between batches), keeping what it already wrote.
    pub async fn cancel(&self, name: &str) -> Result<Job, CancelError> {
        let mut job = self
            .get(name)
            .await?
            .ok_or_else(|| CancelError::NotFound(name.to_string()))?;
        if job.status.is_terminal() {
            return Err(CancelError::AlreadyEnded(name.into(), job.status.as_str()));
        }
        let flag = self.running.lock().unwrap().get(name).cloned();
        match flag {
            Some(flag) => flag.store(true, Ordering::SeqCst),
            // Not run by this process (and not recovered yet): nothing will advance it.
            None => job.status = JobStatus::Cancelled,
        }
        if job.status == JobStatus::Queued {
            job.status = JobStatus::Cancelled;
        }
        if job.status == JobStatus::Cancelled {
            job.message = Some("cancelled on request".into());
            job.finished_time = Some(now());
            job.last_modified_time = now();
            if let Some(stored) = graph::jobs::save(&self.graph, &job).await? {
                job = stored;
            }
            let _ = self.updates.send(job.clone());
        }
        Ok(job)
    }
}

/// A running job's handle on itself: progress, errors, cancellation.
#[derive(Clone)]
pub struct JobContext {
    jobs: Arc<Jobs>,
    job: Arc<tokio::sync::Mutex<Job>>,
    cancelled: Arc<AtomicBool>,
}

impl JobContext {
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Err(Cancelled) once cancellation was asked for; call between units of work.
    pub fn checkpoint(&self) -> Result<(), JobFailure> {
        if self.is_cancelled() {
            Err(JobFailure::Cancelled)
        } else {
            Ok(())
        }
    }

    pub async fn input(&self) -> serde_json::Value {
        self.job.lock().await.input.clone()
    }

    /// Applies a change, stores the job and broadcasts it.
    pub async fn update(&self, change: impl FnOnce(&mut Job)) -> GraphResult<()> {
        let mut job = self.job.lock().await;
        change(&mut job);
        job.last_modified_time = now();
        graph::jobs::save(&self.jobs.graph, &job).await?;
        let _ = self.jobs.updates.send(job.clone());
        Ok(())
    }

    pub async fn progress(&self, change: impl FnOnce(&mut Progress)) -> GraphResult<()> {
        self.update(|j| change(&mut j.progress)).await
    }

    pub async fn error(&self, error: JobError) -> GraphResult<()> {
        self.update(|j| j.push_error(error)).await
    }
}
