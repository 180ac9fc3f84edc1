//! What every request handler shares: the database, the configuration, the job service, who may
//! call and the per-caller limits. Cloned into each request.
use std::sync::Arc;

use tokio_util::task::TaskTracker;

use super::auth::{self, Identity};
use super::caller_limits::CallerLimits;
use super::change_feed::ChangeFeed;
use super::graphql::documents::Documents;
use super::graphql::operations::read_cache::ReadCache;
use crate::config::Config;
use crate::graph::{Graph, GraphError};
use crate::ingest::credential_engine::client::HostAllowlist;
use crate::jobs::model::Job;
use crate::jobs::Jobs;

/// Everything a request handler needs; cloned into each request.
#[derive(Clone)]
pub struct AppState {
    pub graph: Graph,
    pub config: Arc<Config>,
    pub jobs: Arc<Jobs>,
    /// Who may call, and as what.
    pub auth: Arc<auth::Auth>,
    /// Registry hosts imports may name.
    pub allowlist: Arc<HostAllowlist>,
    /// Open WebSocket connections, so shutdown can let them send their last messages.
    pub sockets: TaskTracker,
    /// Rates and slots per caller.
    pub caller_limits: Arc<CallerLimits>,
    /// Answers of read queries by graph generation; `None` when turned off.
    pub read_cache: Option<Arc<ReadCache>>,
    /// Query texts parsed once each.
    pub documents: Arc<Documents>,
    /// Every change to the graph, for `graphChanges`.
    pub change_feed: Arc<ChangeFeed>,
}

impl AppState {
    /// The job named `name` if it exists and `who` may see it. The one rule for every path to a
    /// job (`job`, `node`, `cancelJob`, `jobUpdates`, REST): another caller's job is absent,
    /// not forbidden, so its existence is not revealed either.
    pub async fn visible_job(&self, who: &Identity, name: &str) -> Result<Option<Job>, GraphError> {
        let found = self.jobs.get(name).await?;
        Ok(found.filter(|j| who.sees_job_of(&j.created_by, self.auth.jobs_visible_to_all)))
    }
}
