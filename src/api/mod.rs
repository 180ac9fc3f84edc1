//! HTTP surface, by layer: `http/` carries GraphQL over HTTP and WebSocket (with GraphiQL and the
//! probes), `graphql/` is the schema and its extensions, `rest/` the seed routes. Beside them
//! what more than one layer uses: who calls (`auth`), their limits, the error codes, starting
//! jobs (`actions`) and the shared state. `rest/` and `graphql/` never import each other.
mod actions;
pub mod auth;
pub mod caller_limits;
pub mod change_feed;
pub mod errors;
pub mod graphql;
mod http;
mod rest;
pub mod state;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

pub use graphql::sdl;
pub use state::AppState;

/// Every route: GraphQL (and its probes) and the seed REST routes, behind the layers every
/// request passes: body limit, host check, CORS, compression, HTTP metrics, tracing.
pub fn router(state: AppState) -> Router {
    let executor = graphql::operations::executor::build(state.clone());
    let max_body = state.config.limits.max_body_bytes;
    http::routes(state.clone(), executor)
        .merge(rest::routes(state.clone()))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::hosts::refuse_foreign_hosts,
        ))
        .layer(http::cross_site::cors(&state.config.auth.cors_origins))
        // gzip or br as the client accepts; event streams and tiny bodies are left alone.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(http::metrics::http))
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
}
