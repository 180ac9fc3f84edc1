//! Metrics of every HTTP request by route (the matched route, so their number is bounded
//! whatever paths clients send).
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;

/// Axum middleware: `skillgraph_http_requests_total{route,method,status}` and
/// `skillgraph_http_request_duration_seconds{route,method}`.
pub async fn http(req: Request, next: Next) -> axum::response::Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = req.method().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::histogram!("skillgraph_http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("skillgraph_http_requests_total", "route" => route, "method" => method, "status" => status)
        .increment(1);
    resp
}
