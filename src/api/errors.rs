//! Every GraphQL error carries `extensions.code`; these are the codes and their constructors.
use async_graphql::{ErrorExtensions, ServerError};

use crate::graph::GraphError;

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// The HTTP request is not a GraphQL request at all (malformed JSON, oversized batch).
pub const BAD_REQUEST: &str = "BAD_REQUEST";
/// The request body is over the limit (HTTP 413).
pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
/// The response is over `SKILLGRAPH_MAX_RESPONSE_BYTES`.
pub const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";
/// The request ran past its deadline (HTTP 503).
pub const TIMEOUT: &str = "TIMEOUT";
/// A mutation sent with GET (HTTP 405).
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
/// An open service (no credentials) was addressed by a host name that is not its own (403).
pub const FORBIDDEN_HOST: &str = "FORBIDDEN_HOST";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const DATABASE_ERROR: &str = "DATABASE_ERROR";
pub const DATABASE_UNAVAILABLE: &str = "DATABASE_UNAVAILABLE";
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

pub fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

pub fn bad_input(message: impl Into<String>) -> async_graphql::Error {
    coded(BAD_USER_INPUT, message)
}

pub fn not_found(message: impl Into<String>) -> async_graphql::Error {
    coded(NOT_FOUND, message)
}

/// Database failures are logged in full but reported without driver internals.
pub fn db(err: GraphError) -> async_graphql::Error {
    db_ref(&err)
}

/// [`db`] of an error shared by a batch (a loader's).
pub fn db_ref(err: &GraphError) -> async_graphql::Error {
    tracing::error!(error = %err, "graph database request failed");
    let code = if err.is_unavailable() {
        DATABASE_UNAVAILABLE
    } else {
        DATABASE_ERROR
    };
    coded(code, err.public_message())
}

/// An error of the whole request (no resolver, no position), with its code.
pub fn server_error(code: &'static str, message: impl Into<String>) -> ServerError {
    ensure_code(ServerError::new(message, None), code)
}

/// Adds `code` to a server error that has none.
pub fn ensure_code(mut err: ServerError, code: &'static str) -> ServerError {
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
