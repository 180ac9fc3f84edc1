//! The file load job: one CSV streamed from S3 with credentials held in memory only, so it does
//! not resume elsewhere.
use super::handlers::{Handler, JobFailure, RunContext};
use super::model::{JobSpec, JobType, Progress};
use crate::ingest::file_load::s3::S3Location;
use crate::ingest::file_load::FileLoader;
use crate::ingest::report;

/// Streams the file with the credentials the job was submitted with. Those never leave this
/// process's memory, so a file load cut short by a crash cannot resume elsewhere: it fails,
/// saying how far it got.
pub struct FileLoad(pub FileLoader);

#[async_trait::async_trait]
impl Handler for FileLoad {
    fn job_type(&self) -> JobType {
        JobType::FileLoad
    }

    fn stopped_at_shutdown(&self, progress: &Progress) -> String {
        format!(
            "interrupted: the service shut down before the job finished; {} rows were committed. \
             Submitting the same task again is safe (rows are upserted by external_id)",
            progress.rows_loaded
        )
    }

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
