//! One handler per kind of job: it turns the job's persisted input into calls to a source, and
//! says what to checkpoint. Handlers see a [`RunContext`], never the job node.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::live::{Live, StopReason};
use super::model::{JobSpec, JobType, Progress};
use super::{JobFailure, Jobs};
use crate::graph::jobs::Stored;
use crate::ingest::credential_engine::{FrameworkError, Importer};
use crate::ingest::file_load::s3::{AwsCredentials, S3Location};
use crate::ingest::file_load::FileLoader;
use crate::ingest::{report, Counter, Problem, Report};

#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure>;
    /// Whether running it again goes on from its last checkpoint: the runner then hands it back
    /// to the queue at shutdown (rather than letting it drain), and waits out a database outage
    /// and runs it again (rather than failing it).
    fn resumes(&self) -> bool {
        false
    }
}

/// The handler of each kind of job.
#[derive(Clone)]
pub struct Handlers {
    pub credential_engine: Arc<dyn Handler>,
    pub file_load: Arc<dyn Handler>,
}

impl Handlers {
    pub fn new(importer: Importer, loader: FileLoader) -> Self {
        Self {
            credential_engine: Arc::new(CredentialEngineImport(importer)),
            file_load: Arc::new(FileLoad(loader)),
        }
    }

    pub(super) fn for_type(&self, t: JobType) -> Arc<dyn Handler> {
        match t {
            JobType::CredentialEngineIngestion => self.credential_engine.clone(),
            JobType::FileLoad => self.file_load.clone(),
        }
    }
}

/// What a running job's handler may see and do.
pub struct RunContext {
    jobs: Arc<Jobs>,
    live: Arc<Live>,
    cancel: CancellationToken,
    secrets: Mutex<Option<AwsCredentials>>,
}

impl RunContext {
    pub(super) fn new(
        jobs: Arc<Jobs>,
        live: Arc<Live>,
        cancel: CancellationToken,
        secrets: Option<AwsCredentials>,
    ) -> Self {
        Self {
            jobs,
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
        match self.jobs.flush(&self.live).await? {
            Stored::Owned { .. } => Ok(()),
            Stored::Lost => {
                self.jobs.interrupt(&name, StopReason::LeaseLost);
                Err(JobFailure::Interrupted)
            }
        }
    }
}

/// Imports each framework in turn, checkpointing after each; a resumed import skips the
/// frameworks already done. A framework that cannot be fetched is reported and skipped; the
/// job fails only if none could be imported.
pub struct CredentialEngineImport(pub Importer);

#[async_trait::async_trait]
impl Handler for CredentialEngineImport {
    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure> {
        let JobSpec::CredentialEngine(input) = ctx.spec() else {
            return Err(JobFailure::Failed("not a Credential Engine import".into()));
        };
        ctx.rewind_to_checkpoint();
        let done = ctx.done();
        let report = ctx.report();
        if ctx.progress().frameworks_total == 0 {
            report.add(
                Counter::FrameworksTotal,
                input.competency_frameworks.len() as i64,
            );
        }
        for uri in input
            .competency_frameworks
            .iter()
            .filter(|u| !done.contains(*u))
        {
            report::checkpoint(ctx.cancel())?;
            match self.0.import(uri, report, ctx.cancel()).await {
                // A skipped framework is in `done` and in the errors, not among those done.
                Ok(()) => report.add(Counter::FrameworksDone, 1),
                Err(FrameworkError::Stop(stop)) => return Err(stop),
                Err(FrameworkError::Skip(why)) => {
                    tracing::warn!(%uri, %why, "framework skipped");
                    report.problem(Problem::about(uri, why));
                }
            }
            ctx.mark_done(uri).await?;
        }
        if ctx.progress().frameworks_done == 0 {
            return Err(JobFailure::Failed(
                "no framework could be imported; see errors".into(),
            ));
        }
        Ok(())
    }

    fn resumes(&self) -> bool {
        true
    }
}

/// Streams the file with the credentials the job was submitted with. Those never leave this
/// process's memory, so a file load cut short by a crash cannot resume elsewhere: it fails,
/// saying how far it got.
pub struct FileLoad(pub FileLoader);

#[async_trait::async_trait]
impl Handler for FileLoad {
    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure> {
        let JobSpec::FileLoad(input) = ctx.spec() else {
            return Err(JobFailure::Failed("not a file load".into()));
        };
        // Cancelled while its process was going away: that is the answer, not the lost secrets.
        report::checkpoint(ctx.cancel())?;
        let Some(credentials) = ctx.take_credentials() else {
            let rows = ctx.progress().rows_loaded;
            return Err(JobFailure::Failed(format!(
                "interrupted: the process that accepted this file load stopped; {rows} rows were committed \
                 before it did. Credentials are never stored, so the load cannot resume: submitting the \
                 same task again is safe (rows are upserted by external_id)"
            )));
        };
        let location =
            S3Location::parse(&input.uri).map_err(|e| JobFailure::Failed(e.to_string()))?;
        self.0
            .run(
                &ctx.job_name(),
                input.entity_type,
                &location,
                &credentials,
                ctx.report(),
                ctx.cancel(),
            )
            .await
    }
}
