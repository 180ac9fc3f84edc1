//! Start-up: connect, migrate, start the job runner, serve; and the orderly shutdown.
use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

use crate::api::caller_limits::CallerLimits;
use crate::api::{self, AppState};
use crate::config::Config;
use crate::graph::{migrate, Graph};
use crate::ingest::credential_engine::client::HostAllowlist;
use crate::ingest::credential_engine::Importer;
use crate::ingest::file_load::FileLoader;
use crate::jobs::{Handlers, Jobs};

/// Connects to the database, applies the schema and starts the job runner.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    prepare_with(config, |_| {}).await
}

/// Like [`prepare`], with a chance to replace job handlers (tests use it to make a job panic).
pub async fn prepare_with(
    config: Config,
    tweak: impl FnOnce(&mut Handlers),
) -> anyhow::Result<AppState> {
    crate::telemetry::metrics();
    // Before anything else: an open service on a public address must not start.
    let auth = crate::api::auth::Auth::from_config(&config.auth, config.bind)?;
    let graph = Graph::connect_patiently(&config.db)
        .await
        .with_context(|| {
            format!(
                "could not reach the graph database at {} within {} ms",
                config.db.uri, config.db.startup_timeout_ms
            )
        })?;
    let applied = migrate::apply(&graph)
        .await
        .context("applying cypher/schema.cypher")?;
    tracing::info!(statements = applied, "graph schema applied");
    let mut handlers = Handlers::new(
        Importer::new(graph.clone(), &config.ingest),
        FileLoader::new(graph.clone(), &config.file_load),
        graph.clone(),
        config.ingest.write_batch_size,
    );
    tweak(&mut handlers);
    let jobs = Jobs::new(graph.clone(), &config.jobs, handlers);
    jobs.start();
    tracing::info!(runner = jobs.owner(), "job runner started");
    Ok(AppState {
        auth: Arc::new(auth),
        allowlist: Arc::new(HostAllowlist::new(&config.ingest.ce_allowed_hosts)),
        sockets: TaskTracker::new(),
        caller_limits: Arc::new(CallerLimits::new(&config.limits)),
        documents: Arc::new(crate::api::graphql::documents::Documents::new(
            config.limits.max_query_tokens,
        )),
        read_cache: crate::api::graphql::operations::read_cache::ReadCache::new(&config.cache)
            .map(Arc::new),
        change_feed: crate::api::change_feed::ChangeFeed::new(
            graph.clone(),
            std::time::Duration::from_millis(config.jobs.watch_ms),
            config.limits.change_feed_buffer,
        ),
        jobs,
        graph,
        config: Arc::new(config),
    })
}

/// Serves on `listener` until `shutdown` resolves; then stops claiming jobs, hands running
/// imports back to the queue, lets file loads drain, and ends subscriptions with their last
/// state before the server stops.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let jobs = state.jobs.clone();
    let sockets = state.sockets.clone();
    let stop = async move {
        shutdown.await;
        tracing::info!("shutdown requested");
        jobs.shutdown().await;
        // WebSocket connections are not part of the HTTP server's graceful shutdown: wait for
        // them to deliver their last messages (they end within a grace once jobs are closed).
        sockets.close();
        sockets.wait().await;
    };
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
