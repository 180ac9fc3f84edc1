//! The Credential Engine import job: the registry importer run framework by framework, with a
//! checkpoint after each, so it resumes (after a shutdown, a crash or an outage) where it was.
use super::handlers::{Handler, JobFailure, RunContext};
use super::model::{JobSpec, JobType};
use crate::graph::writes::{ImportLog, CHANGES_PER_JOB};
use crate::ingest::credential_engine::{FrameworkError, Importer};
use crate::ingest::{report, Counter, Problem};

/// Imports each framework in turn, checkpointing after each; a resumed import skips the
/// frameworks already done. A framework that cannot be fetched is reported and skipped; the
/// job fails only if none could be imported.
pub struct CredentialEngineImport(pub Importer);

#[async_trait::async_trait]
impl Handler for CredentialEngineImport {
    fn job_type(&self) -> JobType {
        JobType::CredentialEngineIngestion
    }

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
        let log = ImportLog::new(ctx.job_name(), CHANGES_PER_JOB);
        for uri in input
            .competency_frameworks
            .iter()
            .filter(|u| !done.contains(*u))
        {
            report::checkpoint(ctx.cancel())?;
            match self.0.import(uri, &log, report, ctx.cancel()).await {
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
