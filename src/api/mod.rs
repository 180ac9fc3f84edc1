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

pub use graphql::sdl;
pub use state::AppState;

/// Every route: GraphQL (and its probes) and the seed REST routes, behind the layers every
/// request passes: body limit, host check, CORS (when origins are configured), compression, and
/// the access log line and metrics.
pub fn router(state: AppState) -> Router {
    let executor = graphql::operations::executor::build(state.clone());
    let max_body = state.config.limits.max_body_bytes;
    let hosts = std::sync::Arc::new(http::hosts::HostPolicy::of(&state));
    let mut app = http::routes(state.clone(), executor)
        .merge(rest::routes(state.clone()))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            http::hosts::refuse_foreign_hosts,
        ));
    // Without configured origins no cross-origin request is answered, and no layer is needed
    // to say so (each layer is cloned for every request).
    if !state.config.auth.cors_origins.is_empty() {
        app = app.layer(http::cross_site::cors(&state.config.auth.cors_origins));
    }
    // gzip or br as the client accepts; event streams and tiny bodies are left alone.
    app.layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(http::access::Handles::default()),
            http::access::access,
        ))
}
