//! Every kind of job, one line each: a new kind is a file of its own implementing [`Handler`]
//! (its `JobType` and its input in `model.rs`) and a line in [`Handlers::new`].
use std::collections::HashMap;
use std::sync::Arc;

use strum::IntoEnumIterator;

use super::credential_engine_import::CredentialEngineImport;
use super::file_load::FileLoad;
use super::handlers::Handler;
use super::model::JobType;
use super::revert_import::RevertImport;
use crate::graph::Graph;
use crate::ingest::credential_engine::Importer;
use crate::ingest::file_load::FileLoader;

/// The handler of each kind of job, by the type it declares.
#[derive(Clone)]
pub struct Handlers(HashMap<JobType, Arc<dyn Handler>>);

impl Handlers {
    pub fn new(importer: Importer, loader: FileLoader, graph: Graph, batch: usize) -> Self {
        Self::of([
            Arc::new(CredentialEngineImport(importer)) as Arc<dyn Handler>,
            Arc::new(FileLoad(loader)),
            Arc::new(RevertImport { graph, batch }),
        ])
    }

    /// Keyed by the type each declares. A type without a handler is a bug found at startup,
    /// not when its first job is claimed.
    fn of(kinds: impl IntoIterator<Item = Arc<dyn Handler>>) -> Self {
        let map: HashMap<_, _> = kinds.into_iter().map(|h| (h.job_type(), h)).collect();
        let missing: Vec<_> = JobType::iter().filter(|t| !map.contains_key(t)).collect();
        assert!(
            missing.is_empty(),
            "job types without a handler: {missing:?}"
        );
        Self(map)
    }

    /// Wraps the handler of `job_type` (tests use it to make a job misbehave).
    pub fn wrap(
        &mut self,
        job_type: JobType,
        wrap: impl FnOnce(Arc<dyn Handler>) -> Arc<dyn Handler>,
    ) {
        let inner = self.for_type(job_type);
        self.0.insert(job_type, wrap(inner));
    }

    pub(super) fn for_type(&self, job_type: JobType) -> Arc<dyn Handler> {
        self.0[&job_type].clone()
    }
}
