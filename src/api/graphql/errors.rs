//! Constructors of coded GraphQL errors, for resolvers (`Error`) and whole requests
//! (`ServerError`).
use async_graphql::{ErrorExtensions, ServerError};

use crate::api::caller_limits::Limited;
pub use crate::api::errors::ErrorCode;
use crate::graph::GraphError;

pub fn coded(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

pub fn bad_input(message: impl Into<String>) -> async_graphql::Error {
    coded(ErrorCode::BadUserInput, message)
}

pub fn not_found(message: impl Into<String>) -> async_graphql::Error {
    coded(ErrorCode::NotFound, message)
}

/// Database failures are logged in full but reported without driver internals.
pub fn db(err: GraphError) -> async_graphql::Error {
    db_ref(&err)
}

/// [`db`] of an error shared by a batch (a loader's).
pub fn db_ref(err: &GraphError) -> async_graphql::Error {
    tracing::error!(error = %err, "graph database request failed");
    let code = if err.is_unavailable() {
        ErrorCode::DatabaseUnavailable
    } else {
        ErrorCode::DatabaseError
    };
    coded(code, err.public_message())
}

/// An error of the whole request (no resolver, no position), with its code.
pub fn server_error(code: ErrorCode, message: impl Into<String>) -> ServerError {
    ensure_code(ServerError::new(message, None), code)
}

/// Adds `code` to a server error that has none.
pub fn ensure_code(mut err: ServerError, code: ErrorCode) -> ServerError {
    let has_code = err
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if !has_code {
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    err
}

/// A refusal by a caller limit, as a resolver's error; waiting helps a rate or a busy caller
/// (`retryAfter`).
pub fn limited(e: &Limited) -> async_graphql::Error {
    let (code, secs) = (e.code(), e.retry_after_secs());
    coded(code, e.to_string()).extend_with(|_, x| {
        if code == ErrorCode::RateLimited {
            x.set("retryAfter", secs)
        }
    })
}

/// [`limited`] as an error of the whole request.
pub fn limited_request(e: &Limited) -> ServerError {
    let mut err = server_error(e.code(), e.to_string());
    if e.code() == ErrorCode::RateLimited {
        err.extensions
            .get_or_insert_with(Default::default)
            .set("retryAfter", e.retry_after_secs());
    }
    err
}
