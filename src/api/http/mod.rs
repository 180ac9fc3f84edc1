//! GraphQL over HTTP (POST, GET, server-sent events) and WebSocket (both subscription
//! protocols), GraphiQL, the probes and the metrics endpoint; plus the host, cross-site and
//! access (log line and metrics) layers `api::router` puts in front of every route.
pub mod access;
pub mod cross_site;
mod graphiql;
mod graphql;
pub mod hosts;
mod probes;
mod ws;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::GraphQLProtocol;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::api::auth::authorization;
use crate::api::graphql::operations::executor::Executor;
use crate::api::state::AppState;
use graphql::Http;

/// Bytes a WebSocket reads at once (see where it is set).
const WS_READ_BUFFER: usize = 4 << 10;

/// `/graphql` (every transport), GraphiQL's assets, the probes and `/metrics`.
pub fn routes(state: AppState, executor: Executor) -> Router {
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql::post))
        .route("/graphiql/{file}", get(graphiql::asset))
        .route("/livez", get(probes::livez))
        .route("/readyz", get(probes::readyz))
        .route("/health", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        .with_state(Http { state, executor })
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
            let bearer = authorization(&parts.headers).map(String::from);
            let (executor, state) = (http.executor.clone(), http.state.clone());
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
                // Each time a socket is polled (every message sent to it), tungstenite zeroes
                // its whole read buffer before reading: at the default 128 KiB that was 90% of
                // the instructions of a subscription update (`cargo bench --bench
                // request_cost`). Clients send small messages; a longer one is read in parts.
                .read_buffer_size(WS_READ_BUFFER)
                .on_upgrade(move |socket| {
                    sockets
                        .track_future(ws::serve(socket, executor, state, protocol, legacy, bearer))
                })
        }
        (Ok(_), Err(_)) => graphql::bad_request(
            "unknown WebSocket subprotocol (graphql-transport-ws or graphql-ws)",
        ),
        (Err(_), _) => {
            let query = axum::extract::RawQuery(parts.uri.query().map(String::from));
            graphql::get(State(http), parts.headers, query).await
        }
    }
}
