//! The revert job: undoes what one import changed (see `graph/revert.rs`). It resumes: run
//! again after a crash (on any replica), it skips the skills it restored and restores the rest;
//! its counters are recounted from the changes it recorded, so they are exact however often it
//! ran. If a later change stands in the way before anything is restored, nothing is; one met
//! later leaves that skill as it is, listed in the errors, and the job fails saying so.
use super::handlers::{Handler, JobFailure, RunContext};
use super::model::{JobSpec, JobType};
use crate::graph::revert;
use crate::graph::writes::{ImportLog, Written, CHANGES_PER_JOB};
use crate::graph::Graph;
use crate::ingest::{report, Problem};
use crate::model::Progress;

pub struct RevertImport {
    pub graph: Graph,
    /// Skills restored per statement.
    pub batch: usize,
}

/// The counters a revert reports, as they stand in `p`.
fn reported(p: &Progress) -> Written {
    Written {
        skills_changed: p.skills_changed,
        skills_removed: p.skills_removed,
        edges_added: p.edges_added,
        edges_removed: p.edges_removed,
        ..Written::default()
    }
}

#[async_trait::async_trait]
impl Handler for RevertImport {
    fn job_type(&self) -> JobType {
        JobType::RevertImport
    }

    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure> {
        let JobSpec::RevertImport(input) = ctx.spec() else {
            return Err(JobFailure::Failed("not a revert".into()));
        };
        let import = &input.job_name;
        let log = ImportLog::new(ctx.job_name(), CHANGES_PER_JOB);
        let out = revert::revert(&self.graph, import, &log, self.batch).await?;
        // Recounted: what an earlier run reported before it died is replaced, not added to.
        let had = reported(&ctx.progress());
        let w = out.written;
        report::written(ctx.report(), w - had);
        let n = out.conflicts.len();
        for c in out.conflicts {
            ctx.report().problem(Problem::about(c.skill, c.message));
        }
        match (n, out.untouched) {
            (0, _) => Ok(()),
            (_, true) => Err(JobFailure::Failed(format!(
                "nothing was reverted: {n} later changes touch what {import} changed (see errors)"
            ))),
            (_, false) => Err(JobFailure::Failed(format!(
                "reverted {} skills and removed {}; {n} later changes kept others of {import} \
                 as they are (see errors)",
                w.skills_changed, w.skills_removed
            ))),
        }
    }

    fn resumes(&self) -> bool {
        true
    }
}
