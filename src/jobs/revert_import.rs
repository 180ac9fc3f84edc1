//! The revert job: undoes what one import changed (see `graph/revert.rs`), or changes nothing
//! and lists the later changes that stand in the way. Not resumable: a revert interrupted
//! halfway is run again as a new job, which reverts the rest (what is restored already has the
//! revert's own change after it, and counts as a conflict only for the same field or edge).
use super::handlers::{Handler, JobFailure, RunContext};
use super::model::{JobSpec, JobType};
use crate::graph::revert::{self, Reverted};
use crate::graph::writes::{ImportLog, CHANGES_PER_JOB};
use crate::graph::Graph;
use crate::ingest::{report, Problem};

pub struct RevertImport(pub Graph);

#[async_trait::async_trait]
impl Handler for RevertImport {
    fn job_type(&self) -> JobType {
        JobType::RevertImport
    }

    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure> {
        let JobSpec::RevertImport(input) = ctx.spec() else {
            return Err(JobFailure::Failed("not a revert".into()));
        };
        let log = ImportLog::new(ctx.job_name(), CHANGES_PER_JOB);
        match revert::revert(&self.0, &input.job_name, &log).await? {
            Reverted::Done(written) => {
                report::written(ctx.report(), written);
                Ok(())
            }
            Reverted::Conflicts(conflicts) => {
                let n = conflicts.len();
                for c in conflicts {
                    ctx.report().problem(Problem::about(c.skill, c.message));
                }
                Err(JobFailure::Failed(format!(
                    "nothing was reverted: {n} later changes touch what {} changed (see errors)",
                    input.job_name
                )))
            }
        }
    }
}
