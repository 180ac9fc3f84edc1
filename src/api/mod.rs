//! HTTP surface: GraphQL (queries, mutations, WebSocket subscriptions), GraphiQL, health, metrics.
mod actions;
pub mod errors;
mod extension;
pub mod file_load;
pub mod jobs;
mod loaders;
mod metrics;
mod pagination;
mod rest;
mod seed_skill;
pub mod skills;

use std::sync::Arc;

use async_graphql::http::{GraphiQLSource, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio_util::task::TaskTracker;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

use crate::config::Config;
use crate::graph::Graph;
use crate::ingest::credential_engine::client::HostAllowlist;
use crate::jobs::Jobs;

#[derive(MergedObject, Default)]
pub struct QueryRoot(skills::SkillQuery, jobs::JobQuery, file_load::FileLoadQuery);

#[derive(MergedObject, Default)]
pub struct MutationRoot(jobs::JobMutation, file_load::FileLoadMutation);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(jobs::JobSubscription);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Everything a request handler needs; cloned into each request.
#[derive(Clone)]
pub struct AppState {
    pub graph: Graph,
    pub config: Arc<Config>,
    pub jobs: Arc<Jobs>,
    /// Registry hosts imports may name.
    pub allowlist: Arc<HostAllowlist>,
    /// Open WebSocket connections, so shutdown can let them send their last messages.
    pub sockets: TaskTracker,
}

/// The schema without runtime data: enough to print the SDL.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .extension(extension::ErrorCodes)
    .extension(metrics::OperationMetrics)
}

pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

pub fn schema(state: AppState) -> AppSchema {
    let limits = &state.config.limits;
    schema_builder()
        .limit_depth(limits.max_query_depth)
        .limit_complexity(limits.max_query_complexity)
        .data(state)
        .finish()
}

/// How long a WebSocket may stay open once its subscriptions ended at shutdown.
const SOCKET_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Clone)]
struct Http {
    state: AppState,
    schema: AppSchema,
}

pub fn router(state: AppState) -> Router {
    let schema = schema(state.clone());
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/health", get(readyz))
        .route("/metrics", get(metrics))
        .merge(rest::routes())
        .layer(axum::middleware::from_fn(metrics::http))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::extract::Request| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or(req.uri().path(), |p| p.as_str());
                    tracing::info_span!("request", method = %req.method(), route = %route)
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        .with_state(Http { state, schema })
}

async fn graphql_post(State(http): State<Http>, req: GraphQLRequest) -> GraphQLResponse {
    let req = req
        .into_inner()
        .data(loaders::Loaders::new(&http.state.graph));
    http.schema.execute(req).await.into()
}

/// GET serves GraphiQL to browsers and subscriptions to WebSocket clients on the same path.
async fn graphql_get(
    State(http): State<Http>,
    protocol: Result<GraphQLProtocol, StatusCode>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    match (protocol, upgrade) {
        (Ok(protocol), Ok(upgrade)) => {
            let schema = http.schema.clone();
            let graph = http.state.graph.clone();
            let jobs = http.state.jobs.clone();
            let sockets = http.state.sockets.clone();
            upgrade
                .protocols(ALL_WEBSOCKET_PROTOCOLS)
                .on_upgrade(move |socket| {
                    let serve = GraphQLWebSocket::new(socket, schema, protocol)
                        .on_connection_init(move |_| async move {
                            let mut data = async_graphql::Data::default();
                            data.insert(loaders::Loaders::new(&graph));
                            Ok(data)
                        })
                        .serve();
                    // At shutdown, subscriptions send their last state and complete; a client
                    // that keeps the socket open after that is let go after a short grace.
                    sockets.track_future(async move {
                        tokio::select! {
                            _ = serve => {}
                            _ = async {
                                jobs.closed().await;
                                tokio::time::sleep(SOCKET_GRACE).await;
                            } => {}
                        }
                    })
                })
        }
        _ => Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .subscription_endpoint("/graphql")
                .finish(),
        )
        .into_response(),
    }
}

/// The process is up and serving (says nothing of the database).
async fn livez() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// How long `/readyz` waits for the database.
const READY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// Ready: the database answers within 2 s (the schema was applied before serving began).
/// `/health` is the same, for existing probes.
async fn readyz(State(http): State<Http>) -> Response {
    match http.state.graph.ping(READY_DEADLINE).await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": "up"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database down");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": "down"})),
            )
                .into_response()
        }
    }
}

/// Prometheus text format: this service's statement count (per database handle, so tests can
/// count exactly), then everything the `metrics` recorder holds.
async fn metrics(State(http): State<Http>) -> String {
    format!(
        "# HELP skillgraph_cypher_statements_total Cypher statements sent to the graph database.\n\
         # TYPE skillgraph_cypher_statements_total counter\n\
         skillgraph_cypher_statements_total {}\n{}",
        http.state.graph.statements_sent(),
        crate::telemetry::metrics().render()
    )
}
