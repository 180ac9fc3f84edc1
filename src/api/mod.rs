//! HTTP surface: GraphQL (queries, mutations, WebSocket subscriptions), GraphiQL, health, metrics.
mod actions;
pub mod auth;
pub mod caller_limits;
mod context;
mod cross_site;
mod document_rules;
pub mod errors;
pub mod event_content;
mod extension;
pub mod file_load;
#[cfg(test)]
mod fuzz;
mod graphiql;
mod graphql_http;
pub mod jobs;
mod loaders;
mod metrics;
mod node;
mod pagination;
pub mod read_cache;
mod rest;
mod seed_skill;
pub mod skills;
mod ws;

use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};
use async_graphql_axum::GraphQLProtocol;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio_util::task::TaskTracker;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

use crate::config::Config;
use crate::graph::Graph;
use crate::ingest::credential_engine::client::HostAllowlist;
use crate::jobs::Jobs;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    skills::SkillQuery,
    jobs::JobQuery,
    file_load::FileLoadQuery,
);

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
    /// Who may call, and as what.
    pub auth: Arc<auth::Auth>,
    /// Registry hosts imports may name.
    pub allowlist: Arc<HostAllowlist>,
    /// Open WebSocket connections, so shutdown can let them send their last messages.
    pub sockets: TaskTracker,
    /// Rates and slots per caller.
    pub caller_limits: Arc<caller_limits::CallerLimits>,
    /// Answers of read queries by graph generation; `None` when turned off.
    pub read_cache: Option<Arc<read_cache::ReadCache>>,
}

impl AppState {
    /// The job named `name` if it exists and `who` may see it. The one rule for every path to a
    /// job (`job`, `node`, `cancelJob`, `jobUpdates`, REST): another caller's job is absent,
    /// not forbidden, so its existence is not revealed either.
    pub async fn visible_job(
        &self,
        who: &auth::Identity,
        name: &str,
    ) -> Result<Option<crate::jobs::model::Job>, crate::graph::GraphError> {
        let found = self.jobs.get(name).await?;
        Ok(found.filter(|j| who.sees_job_of(&j.created_by, self.auth.jobs_visible_to_all)))
    }
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
    let mut builder = schema_builder()
        .extension(document_rules::DocumentRules {
            max_depth: limits.max_query_depth,
            max_root_fields: limits.max_root_fields,
            max_fields: limits.max_query_fields,
            max_tokens: limits.max_query_tokens,
        })
        .extension(caller_limits::CallerLimitsExtension)
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            PERSISTED_QUERIES,
        )))
        .limit_complexity(limits.max_query_complexity);
    if limits.disable_introspection {
        builder = builder.disable_introspection();
    }
    builder.data(state).finish()
}

/// Automatic persisted queries kept (least recently used go first).
const PERSISTED_QUERIES: usize = 1024;

/// How long a WebSocket may stay open once its subscriptions ended at shutdown.
const SOCKET_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

#[derive(Clone)]
struct Http {
    state: AppState,
    schema: AppSchema,
}

pub fn router(state: AppState) -> Router {
    let schema = schema(state.clone());
    let max_body = state.config.limits.max_body_bytes;
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_http::post))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/health", get(readyz))
        .route("/metrics", get(metrics))
        .merge(rest::routes())
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_foreign_hosts,
        ))
        .layer(cross_site::cors(&state.config.auth.cors_origins))
        // gzip or br as the client accepts; event streams and tiny bodies are left alone.
        .layer(CompressionLayer::new())
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

/// In open mode (no credentials), a `Host` that is not loopback or configured is refused (403)
/// before anything runs: JSON in the seed's shape on its routes, a coded GraphQL error elsewhere.
async fn refuse_foreign_hosts(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if state.auth.open {
        let host = req
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()))
            .unwrap_or("");
        if !cross_site::host_allowed(host, &state.config.auth.allowed_hosts) {
            tracing::warn!(
                host,
                "refused a request for a host this open service does not serve"
            );
            let message = cross_site::HOST_MESSAGE;
            let path = req.uri().path();
            if path.starts_with("/skill-service/") || path.starts_with("/integrations/") {
                let body = serde_json::json!({"success": false, "message": message});
                return (StatusCode::FORBIDDEN, Json(body)).into_response();
            }
            return errors::ErrorCode::ForbiddenHost.response(message);
        }
    }
    next.run(req).await
}

/// GET: a WebSocket upgrade (either subscription protocol), a query, or GraphiQL.
async fn graphql_get(State(http): State<Http>, req: axum::extract::Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &()).await;
    let protocol = GraphQLProtocol::from_request_parts(&mut parts, &()).await;
    match (upgrade, protocol) {
        (Ok(_), Ok(_))
            if !cross_site::origin_allowed(
                &parts.headers,
                &http.state.config.auth.cors_origins,
            ) =>
        {
            (
                StatusCode::FORBIDDEN,
                "WebSocket from an origin that is not allowed",
            )
                .into_response()
        }
        (Ok(upgrade), Ok(protocol)) => {
            let bearer = graphql_http::authorization(&parts.headers).map(String::from);
            let (schema, state) = (http.schema.clone(), http.state.clone());
            // The same choice the extractor made, kept to know which messages to rewrite.
            let legacy = parts
                .headers
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').map(str::trim).find_map(|p| p.parse().ok()))
                == Some(async_graphql::http::WebSocketProtocols::SubscriptionsTransportWS);
            let sockets = state.sockets.clone();
            let max = state.config.limits.max_body_bytes;
            upgrade
                .protocols(ALL_WEBSOCKET_PROTOCOLS)
                .max_message_size(max)
                .max_frame_size(max)
                .on_upgrade(move |socket| {
                    sockets.track_future(ws::serve(socket, schema, state, protocol, legacy, bearer))
                })
        }
        (Ok(_), Err(_)) => graphql_http::bad_request(
            "unknown WebSocket subprotocol (graphql-transport-ws or graphql-ws)",
        ),
        (Err(_), _) => {
            let query = axum::extract::RawQuery(parts.uri.query().map(String::from));
            graphql_http::get(State(http), parts.headers, query).await
        }
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
