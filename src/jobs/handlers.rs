//! What a kind of job implements ([`Handler`]): it turns the job's persisted input into calls to
//! a source, and says what to checkpoint. Handlers see a [`RunContext`], never the job node. The
//! kinds are in files of their own (`credential_engine_import`, `file_load`), registered in
//! `registry`.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::live::{Live, StopReason};
use super::model::{JobSpec, JobType, Progress};
use crate::graph::jobs::Stored;
use crate::graph::GraphResult;
use crate::ingest::file_load::s3::AwsCredentials;
use crate::ingest::Report;

/// Why a job's work ended without success: what a source says when it stops (interrupted, and
/// the runner knows why; failed; or the database unreachable), one type from source to runner.
pub use crate::ingest::Stop as JobFailure;

/// The runner, as a handler's context reaches it: the one writer of a running job's state.
#[async_trait::async_trait]
pub(super) trait JobStore: Send + Sync {
    /// Stores the job's state now, if this process still owns it.
    async fn flush(&self, live: &Live) -> GraphResult<Stored>;
    /// Stops the job `name` runs here, for `reason`.
    fn interrupt(&self, name: &str, reason: StopReason);
}

/// A kind of job: what it is called and how the runner treats it, and its work. The runner
/// holds no per-kind rule; everything kind-specific is here.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    /// The type of the jobs it runs (stored on the job node, shown in the API).
    fn job_type(&self) -> JobType;
    /// Runs the job from its input ([`RunContext::spec`]), reporting progress and problems
    /// through [`RunContext::report`] and checkpointing with [`RunContext::mark_done`]; returns
    /// when done, or stops at the next check once [`RunContext::cancel`] fires.
    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure>;
    /// Whether running it again goes on from its last checkpoint: the runner then hands it back
    /// to the queue at shutdown (rather than letting it drain), and waits out a database outage
    /// and runs it again (rather than failing it).
    fn resumes(&self) -> bool {
        false
    }
    /// The message of a job that does not resume, stopped by shutdown before it finished.
    fn stopped_at_shutdown(&self, _progress: &Progress) -> String {
        "interrupted: the service shut down before the job finished".into()
    }
}

/// What a running job's handler may see and do.
pub struct RunContext {
    store: Arc<dyn JobStore>,
    live: Arc<Live>,
    cancel: CancellationToken,
    secrets: Mutex<Option<AwsCredentials>>,
}

impl RunContext {
    pub(super) fn new(
        store: Arc<dyn JobStore>,
        live: Arc<Live>,
        cancel: CancellationToken,
        secrets: Option<AwsCredentials>,
    ) -> Self {
        Self {
            store,
            live,
            cancel,
            secrets: Mutex::new(secrets),
        }
    }

    pub fn spec(&self) -> JobSpec {
        self.live.job.lock().unwrap().spec.clone()
    }

    pub fn job_name(&self) -> String {
        self.live.job.lock().unwrap().name.clone()
    }

    pub fn progress(&self) -> Progress {
        self.live.job.lock().unwrap().progress.clone()
    }

    pub fn report(&self) -> &dyn Report {
        self.live.as_ref()
    }

    pub fn cancel(&self) -> &CancellationToken {
        &self.cancel
    }

    /// The credentials given with the job, if this process has them (only the process that
    /// accepted a file load does, and only once).
    pub fn take_credentials(&self) -> Option<AwsCredentials> {
        self.secrets.lock().unwrap().take()
    }

    /// Units finished by earlier attempts.
    pub fn done(&self) -> HashSet<String> {
        let job = self.live.job.lock().unwrap();
        job.checkpoint.done.iter().cloned().collect()
    }

    /// A resumed job starts again from its last checkpoint: counters and errors of the unit
    /// that was cut short are dropped, since that unit runs again.
    pub fn rewind_to_checkpoint(&self) {
        let job = self.live.job.lock().unwrap().clone();
        let at = &job.checkpoint;
        let behind = job.progress != at.progress
            || job.errors.len() != at.errors
            || job.errors_dropped != at.errors_dropped;
        if job.attempts > 1 && behind {
            self.live.change(|j| {
                j.progress = at.progress.clone();
                j.errors.truncate(at.errors);
                j.errors_dropped = at.errors_dropped;
            });
        }
    }

    /// Records `unit` as finished, durably, before the job goes on.
    pub async fn mark_done(&self, unit: &str) -> Result<(), JobFailure> {
        let mut name = String::new();
        self.live.change(|j| {
            name.clone_from(&j.name);
            j.checkpoint.done.push(unit.to_string());
            j.checkpoint.progress = j.progress.clone();
            j.checkpoint.errors = j.errors.len();
            j.checkpoint.errors_dropped = j.errors_dropped;
        });
        match self.store.flush(&self.live).await? {
            Stored::Owned { .. } => Ok(()),
            Stored::Lost => {
                self.store.interrupt(&name, StopReason::LeaseLost);
                Err(JobFailure::Interrupted)
            }
        }
    }
}
