//! The actions both front doors (GraphQL and the REST compatibility routes) start; each is
//! implemented once, here.
use super::auth::{Identity, Role};
use super::caller_limits::Limited;
use super::state::AppState;
use crate::graph::GraphError;
use crate::ingest::credential_engine::{self, ImportInput};
use crate::ingest::file_load::FileLoadRequest;
use crate::jobs::model::{Job, JobSpec, JobType, RevertInput};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The request is wrong; the message says what to fix.
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Limited(#[from] Limited),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

impl AppState {
    /// Validates the framework URIs and queues an import job; any replica may run it.
    pub async fn start_credential_engine_import(
        &self,
        who: &Identity,
        frameworks: &[String],
    ) -> Result<Job, StartError> {
        self.caller_limits.charge_mutation(&who.name)?;
        let uris = credential_engine::validate(frameworks, &self.allowlist)
            .map_err(|e| StartError::BadInput(e.to_string()))?;
        let spec = JobSpec::CredentialEngine(ImportInput {
            competency_frameworks: uris,
        });
        Ok(self.jobs.submit(spec, None, &who.name).await?)
    }

    /// Queues a file load task; its credentials stay in this process's memory.
    pub async fn start_file_load(
        &self,
        who: &Identity,
        req: FileLoadRequest,
    ) -> Result<Job, StartError> {
        self.caller_limits.charge_mutation(&who.name)?;
        let spec = JobSpec::FileLoad(req.input());
        let job = self
            .jobs
            .submit(spec, Some(req.credentials), &who.name)
            .await?;
        Ok(job)
    }

    /// Queues a job undoing what the import `job_name` changed. Editors revert their own
    /// imports, admins any; only an import (or a revert) that has ended and recorded all its
    /// changes can be reverted.
    pub async fn start_revert(&self, who: &Identity, job_name: &str) -> Result<Job, StartError> {
        let bad = |m: String| Err(StartError::BadInput(m));
        let Some(target) = self.visible_job(who, job_name).await? else {
            return bad(format!("no job named {job_name}"));
        };
        if who.role != Role::Admin && who.name != target.created_by {
            return bad(format!("{} may revert its own jobs only", who.name));
        }
        if !target.status.is_terminal() {
            return bad(format!(
                "{job_name} is still running: cancel it or wait for its end"
            ));
        }
        if !matches!(
            target.job_type(),
            JobType::CredentialEngineIngestion | JobType::RevertImport
        ) {
            return bad(format!(
                "{job_name} is a file load: it changes no skills to revert"
            ));
        }
        if target.progress.changes_unrecorded > 0 {
            return bad(format!(
                "{job_name} made more changes than it recorded ({} unrecorded): it cannot be reverted",
                target.progress.changes_unrecorded
            ));
        }
        self.caller_limits.charge_mutation(&who.name)?;
        let spec = JobSpec::RevertImport(RevertInput {
            job_name: job_name.to_string(),
        });
        Ok(self.jobs.submit(spec, None, &who.name).await?)
    }
}
