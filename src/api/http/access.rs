//! What every request leaves behind, in one middleware: its log line (`finished processing
//! request`, in a `request` span with the method and route) and its metrics
//! (`skillgraph_http_requests_total{route,method,status}`,
//! `skillgraph_http_request_duration_seconds{route,method}`), both by the matched route so that
//! their number is bounded whatever paths clients send. The probes log at DEBUG: an orchestrator
//! calls them every few seconds, and their lines would bury the rest (their metrics still count).
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Counter, Histogram};
use tracing::Instrument;

/// The metric handles of each route, method and status seen so far: registered once, not
/// looked up (labels built and hashed) on every request.
#[derive(Default)]
pub struct Handles {
    by_route: RwLock<HashMap<String, ByStatus>>,
}

/// A route's handles, by method and status.
type ByStatus = HashMap<(Method, u16), Pair>;

#[derive(Clone)]
struct Pair {
    requests: Counter,
    duration: Histogram,
}

impl Handles {
    fn record(&self, route: &str, method: &Method, status: u16, took: Duration) {
        let key = (method.clone(), status);
        let known = self
            .by_route
            .read()
            .expect("not poisoned")
            .get(route)
            .and_then(|m| m.get(&key).cloned());
        let pair = known.unwrap_or_else(|| {
            let (r, m) = (route.to_string(), method.to_string());
            let pair = Pair {
                requests: metrics::counter!("skillgraph_http_requests_total",
                    "route" => r.clone(), "method" => m.clone(), "status" => status.to_string()),
                duration: metrics::histogram!("skillgraph_http_request_duration_seconds",
                    "route" => r, "method" => m),
            };
            let mut all = self.by_route.write().expect("not poisoned");
            all.entry(route.to_string())
                .or_default()
                .insert(key, pair.clone());
            pair
        });
        pair.duration.record(took.as_secs_f64());
        pair.requests.increment(1);
    }
}

/// Latency as the log line shows it.
struct Millis(Duration);

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ms", self.0.as_millis())
    }
}

const PROBES: [&str; 4] = ["/livez", "/readyz", "/health", "/metrics"];

pub async fn access(State(handles): State<Arc<Handles>>, req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", MatchedPath::as_str);
    let method = req.method().clone();
    let probe = PROBES.contains(&route);
    // The log names an unmatched request's path; the metrics do not (their labels stay few).
    let logged = matched
        .as_ref()
        .map_or(req.uri().path(), MatchedPath::as_str);
    let span = if probe {
        tracing::debug_span!("request", method = %method, route = %logged)
    } else {
        tracing::info_span!("request", method = %method, route = %logged)
    };
    let started = Instant::now();
    let resp = next.run(req).instrument(span.clone()).await;
    let took = started.elapsed();
    let status = resp.status().as_u16();
    span.in_scope(|| {
        if probe {
            tracing::debug!(status, latency = %Millis(took), "finished processing request");
        } else {
            tracing::info!(status, latency = %Millis(took), "finished processing request");
        }
    });
    handles.record(route, &method, status, took);
    resp
}
