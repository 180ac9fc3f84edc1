//! DNS rebinding: an open service (no credentials) answers only the hosts it is meant to serve.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::cross_site;
use crate::api::errors::ErrorCode;
use crate::api::state::AppState;

/// What the host check needs of the state (the layer is cloned for every request).
pub struct HostPolicy {
    open: bool,
    allowed: Vec<String>,
}

impl HostPolicy {
    pub fn of(state: &AppState) -> Self {
        Self {
            open: state.auth.open,
            allowed: state.config.auth.allowed_hosts.clone(),
        }
    }
}

/// In open mode (no credentials), a `Host` that is not loopback or configured is refused (403)
/// before anything runs: JSON in the seed's shape on its routes, a coded GraphQL error elsewhere.
pub async fn refuse_foreign_hosts(
    State(policy): State<std::sync::Arc<HostPolicy>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if policy.open {
        let host = req
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| req.uri().authority().map(|a| a.as_str()))
            .unwrap_or("");
        if !cross_site::host_allowed(host, &policy.allowed) {
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
            return ErrorCode::ForbiddenHost.response(message);
        }
    }
    next.run(req).await
}
