//! The actions both front doors (GraphQL and the REST compatibility routes) start; each is
//! implemented once, here.
use super::auth::Identity;
use super::caller_limits::Limited;
use super::state::AppState;
use crate::graph::GraphError;
use crate::ingest::credential_engine::{self, ImportInput};
use crate::ingest::file_load::FileLoadRequest;
use crate::jobs::model::{Job, JobSpec};

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
}
