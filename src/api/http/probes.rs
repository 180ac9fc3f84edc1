//! Liveness, readiness and the Prometheus endpoint.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::api::state::AppState;

/// The process is up and serving (says nothing of the database).
pub async fn livez() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// How long `/readyz` waits for the database.
const READY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// Ready: the database answers within 2 s (the schema was applied before serving began).
/// `/health` is the same, for existing probes.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.graph.ping(READY_DEADLINE).await {
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
pub async fn metrics(State(state): State<AppState>) -> String {
    format!(
        "# HELP skillgraph_cypher_statements_total Cypher statements sent to the graph database.\n\
         # TYPE skillgraph_cypher_statements_total counter\n\
         skillgraph_cypher_statements_total {}\n{}",
        state.graph.statements_sent(),
        crate::telemetry::metrics().render()
    )
}
