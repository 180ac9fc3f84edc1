//! The actions both front doors (GraphQL and the REST compatibility routes) start; each is
//! implemented once, here.
use super::AppState;
use crate::graph::GraphError;
use crate::ingest::credential_engine;
use crate::ingest::file_load::FileLoadRequest;
use crate::jobs::model::{Job, JobType};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The request is wrong; the message says what to fix.
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

impl AppState {
    /// Validates the framework URIs and starts an import job.
    pub async fn start_credential_engine_import(
        &self,
        frameworks: &[String],
    ) -> Result<Job, StartError> {
        let importer = self.importer.clone();
        let uris = credential_engine::validate(frameworks, importer.allowlist())
            .map_err(StartError::BadInput)?;
        let input = serde_json::json!({ "competency_frameworks": uris });
        let job = self
            .jobs
            .submit(
                JobType::CredentialEngineIngestion,
                input,
                move |ctx| async move { importer.run(ctx, uris).await },
            )
            .await?;
        Ok(job)
    }

    /// Starts a file load task; the credentials live only inside the task.
    pub async fn start_file_load(&self, req: FileLoadRequest) -> Result<Job, StartError> {
        let loader = self.file_loader.clone();
        let job = self
            .jobs
            .submit(JobType::FileLoad, req.input_json(), move |ctx| async move {
                loader.run(ctx, req).await
            })
            .await?;
        Ok(job)
    }
}
