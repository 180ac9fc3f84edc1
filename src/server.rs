//! Start-up: connect, migrate, serve.
use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::api::{self, AppState};
use crate::config::Config;
use crate::graph::{migrate, Graph};
use crate::ingest::credential_engine::Importer;
use crate::ingest::file_load::FileLoader;
use crate::jobs::Jobs;

/// Connects to the database and applies the schema; the state every handler shares.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let graph = Graph::connect(&config.db)
        .await
        .with_context(|| format!("connecting to the graph database at {}", config.db.uri))?;
    let applied = migrate::apply(&graph)
        .await
        .context("applying cypher/schema.cypher")?;
    tracing::info!(statements = applied, "graph schema applied");
    let jobs = Jobs::new(graph.clone(), config.jobs.concurrency);
    let interrupted = jobs
        .recover_interrupted()
        .await
        .context("recovering interrupted jobs")?;
    if interrupted > 0 {
        tracing::warn!(
            jobs = interrupted,
            "jobs interrupted by the last shutdown marked failed"
        );
    }
    Ok(AppState {
        importer: Importer::new(graph.clone(), &config.ingest),
        file_loader: FileLoader::new(graph.clone(), &config.file_load),
        jobs,
        graph,
        config: Arc::new(config),
    })
}

/// Serves on `listener` until `shutdown` resolves.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "listening");
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
