//! The handler of each kind of job: a new kind is a file of its own implementing
//! [`Handler`], a field here and a line in `for_type`.
use std::sync::Arc;

use super::credential_engine_import::CredentialEngineImport;
use super::file_load::FileLoad;
use super::handlers::Handler;
use super::model::JobType;
use crate::ingest::credential_engine::Importer;
use crate::ingest::file_load::FileLoader;

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
