//! GraphQL over HTTP as the spec and common servers do it: POST (one request or a bounded batch),
//! GET for queries (never mutations: 405), JSON errors with a code for every malformed request,
//! `application/graphql-response+json` when asked for, and subscriptions (or any operation) as
//! Server-Sent Events in the graphql-sse "distinct connections" protocol when the client accepts
//! `text/event-stream`. Browsers asking for HTML get GraphiQL.
use std::convert::Infallible;
use std::time::Duration;

use async_graphql::{BatchRequest, BatchResponse, Executor as _, ServerError};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::json;

use super::{cross_site, graphiql};
use crate::api::auth::authorization;
use crate::api::errors::ErrorCode;
use crate::api::graphql::batch::Scope;
use crate::api::graphql::loaders;
use crate::api::graphql::operations::document_rules::ViaGet;
use crate::api::graphql::operations::executor::Executor;
use crate::api::graphql::operations::read_cache::ReadCache;
use crate::api::state::AppState;

/// The state of the GraphQL routes: the shared state and what runs operations on the schema
/// built from it. The probes take the shared state alone.
#[derive(Clone)]
pub struct Http {
    pub state: AppState,
    pub executor: Executor,
}

impl axum::extract::FromRef<Http> for AppState {
    fn from_ref(http: &Http) -> AppState {
        http.state.clone()
    }
}

/// Most operations one batched POST may carry.
pub const MAX_BATCH: usize = 10;

pub async fn post(
    State(http): State<Http>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !cross_site::post_is_safe(&headers) {
        return bad_request(cross_site::CSRF_MESSAGE);
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return rejected_body(e),
    };
    // An object is one request, an array a batch; serde alone would also take an array as
    // one request's fields.
    let parsed = match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => serde_json::from_slice(&body).map(BatchRequest::Single),
        Some(b'[') => serde_json::from_slice(&body).map(BatchRequest::Batch),
        _ => return bad_request("the body must be a JSON object (or an array of them)"),
    };
    let batch = match parsed {
        Ok(b) => b,
        Err(e) => return bad_request(format!("the body is not a GraphQL request: {e}")),
    };
    if let BatchRequest::Batch(items) = &batch {
        if items.is_empty() || items.len() > MAX_BATCH {
            return bad_request(format!(
                "a batch holds 1 to {MAX_BATCH} operations, not {}",
                items.len()
            ));
        }
    }
    answer(&http, &headers, batch).await
}

/// A GET with `query` (or a persisted query's hash) runs it; a browser gets GraphiQL.
pub async fn get(
    State(http): State<Http>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    if query.is_empty() && accepts(&headers, "text/html") {
        return graphiql::page();
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(r) => r.data(ViaGet),
        Err(e) => return bad_request(format!("the query string is not a GraphQL request: {e}")),
    };
    answer(&http, &headers, BatchRequest::Single(request)).await
}

async fn answer(http: &Http, headers: &HeaderMap, batch: BatchRequest) -> Response {
    let who = match http.state.auth.identify(authorization(headers)).await {
        Ok(who) => who,
        Err(e) => return unauthenticated(e.to_string()),
    };
    // Each operation gets the caller and loaders of its own (a batch's operations are
    // separate requests); their batches close in the one scope the batch runs in.
    let scope = Scope::default();
    let prepare = |r: async_graphql::Request| {
        r.data(who.clone())
            .data(loaders::Loaders::new(&http.state.graph, &scope))
    };
    let mut batch = match batch {
        BatchRequest::Single(r) if accepts(headers, "text/event-stream") => {
            let request = prepare(r);
            return events(http, request, scope);
        }
        BatchRequest::Batch(_) if accepts(headers, "text/event-stream") => {
            return bad_request("event streams take one operation");
        }
        batch => batch,
    };
    let kind = if accepts(headers, "application/graphql-response+json") {
        "application/graphql-response+json"
    } else {
        "application/json"
    };
    // A persisted query's hash becomes its text first: the read cache keys on the text. (The
    // event stream above gets it from the executor.)
    if let BatchRequest::Single(r) = &mut batch {
        if let Err(e) = http.executor.resolve_persisted(r) {
            let refused = BatchResponse::Single(async_graphql::Response::from_errors(vec![e]));
            let body = serde_json::to_vec(&refused).expect("responses serialise");
            return respond(&refused, kind, body.into());
        }
    }
    // A read of the graph answered before, in this generation: served as it was (before any
    // per-operation state is made for it).
    let cached = cache_entry(http, &batch, &who).await;
    if let Some(entry) = &cached {
        if let Some(body) = entry.cache.get(entry.generation, entry.key) {
            return (StatusCode::OK, [(header::CONTENT_TYPE, kind)], body).into_response();
        }
    }
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(prepare(r)),
        BatchRequest::Batch(items) => BatchRequest::Batch(items.into_iter().map(prepare).collect()),
    };
    let deadline = Duration::from_millis(http.state.config.limits.request_timeout_ms);
    // Boxed: the execution's state is large, and inline it would be copied with this handler's
    // future on every request, cache hits included.
    let run = Box::pin(scope.run(http.executor.execute_batch(batch)));
    let Ok(response) = tokio::time::timeout(deadline, run).await else {
        let message = format!("the request did not finish within {deadline:?}");
        return ErrorCode::Timeout.response(message);
    };
    let body = axum::body::Bytes::from(capped(
        serde_json::to_vec(&response).expect("responses serialise"),
        http.state.config.limits.max_response_bytes,
    ));
    if let (Some(entry), BatchResponse::Single(r)) = (cached, &response) {
        if r.errors.is_empty() {
            entry.cache.put(entry.generation, entry.key, body.clone());
        }
    }
    respond(&response, kind, body)
}

/// Where a single read's answer is (or will be) kept in the read cache.
struct CacheEntry<'a> {
    cache: &'a ReadCache,
    generation: i64,
    key: u64,
}

/// The cache entry of `batch`, if the cache is on and it is a cacheable read.
async fn cache_entry<'a>(
    http: &'a Http,
    batch: &BatchRequest,
    who: &crate::api::auth::Identity,
) -> Option<CacheEntry<'a>> {
    let (Some(cache), BatchRequest::Single(r)) = (&http.state.read_cache, batch) else {
        return None;
    };
    let parsed = http.state.documents.get(&r.query);
    let key = ReadCache::key(r, &parsed, who)?;
    let generation = cache.generation(&http.state.graph).await?;
    Some(CacheEntry {
        cache,
        generation,
        key,
    })
}

/// The HTTP answer of an executed batch: 405 for a mutation sent with GET, 429 with
/// `Retry-After` for a refused rate, 200 otherwise (errors are in the body).
fn respond(response: &BatchResponse, kind: &'static str, body: axum::body::Bytes) -> Response {
    let limited = match response {
        BatchResponse::Single(r) => rate_limited(&r.errors),
        BatchResponse::Batch(_) => None,
    };
    let status = match response {
        BatchResponse::Single(r) if has_code(&r.errors, ErrorCode::MethodNotAllowed) => {
            StatusCode::METHOD_NOT_ALLOWED
        }
        _ if limited.is_some() => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::OK,
    };
    let mut out = (status, [(header::CONTENT_TYPE, kind)], body).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        out.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    if let Some(secs) = limited {
        out.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    out
}

/// A response body over the limit is replaced by an error saying so: the client learns to ask
/// for less instead of receiving (and the server sending) an unbounded document.
fn capped(body: Vec<u8>, max: usize) -> Vec<u8> {
    if body.len() <= max {
        return body;
    }
    let message = format!(
        "the response ({} bytes) is over the limit of {max} bytes; ask for fewer items or fields",
        body.len()
    );
    let error = json!({"errors": [{"message": message, "extensions": {"code": ErrorCode::ResponseTooLarge}}]});
    serde_json::to_vec(&error).expect("errors serialise")
}

/// Seconds to wait, when an operation was refused by a per-caller limit.
fn rate_limited(errors: &[ServerError]) -> Option<u64> {
    let retry_after = with_code(errors, ErrorCode::RateLimited)?
        .extensions
        .as_ref()
        .and_then(|x| x.get("retryAfter"));
    Some(match retry_after {
        Some(async_graphql::Value::Number(n)) => n.as_u64().unwrap_or(1),
        _ => 1,
    })
}

/// Every result as a `next` event, then `complete` (graphql-sse, distinct connections mode).
fn events(http: &Http, request: async_graphql::Request, scope: Scope) -> Response {
    let max = http.state.config.limits.max_response_bytes;
    let results = scope.run(http.executor.execute_stream(request, None));
    let results = results.map(move |r| {
        let data = capped(serde_json::to_vec(&r).expect("responses serialise"), max);
        let data = String::from_utf8(data).expect("JSON is UTF-8");
        Ok::<_, Infallible>(Event::default().event("next").data(data))
    });
    let done = futures::stream::once(async { Ok(Event::default().event("complete").data("")) });
    Sse::new(results.chain(done))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// No or bad credentials: 401, as a GraphQL error with a code.
fn unauthenticated(message: String) -> Response {
    let mut out = ErrorCode::Unauthenticated.response(message);
    (out.headers_mut()).insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    out
}

fn accepts(headers: &HeaderMap, kind: &str) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|part| part.trim().starts_with(kind)))
}

fn has_code(errors: &[ServerError], code: ErrorCode) -> bool {
    with_code(errors, code).is_some()
}

/// The first error carrying `code`.
fn with_code(errors: &[ServerError], code: ErrorCode) -> Option<&ServerError> {
    errors.iter().find(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(code.as_str()))
    })
}

/// A body over the limit (`SKILLGRAPH_MAX_BODY_BYTES`) is 413; an unreadable one 400.
fn rejected_body(e: BytesRejection) -> Response {
    let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ErrorCode::PayloadTooLarge
    } else {
        ErrorCode::BadRequest
    };
    code.response(e.body_text())
}

/// A request that is not GraphQL at all: 400, still as a GraphQL error with a code.
pub fn bad_request(message: impl Into<String>) -> Response {
    ErrorCode::BadRequest.response(message)
}
