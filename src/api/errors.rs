//! Every GraphQL error carries `extensions.code`; these are the codes, each with the HTTP status
//! a whole request refused with it is answered with.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Every `extensions.code` the service answers with.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BadUserInput,
    /// The HTTP request is not a GraphQL request at all (malformed JSON, oversized batch).
    BadRequest,
    /// The request body is over the limit.
    PayloadTooLarge,
    /// The response is over `SKILLGRAPH_MAX_RESPONSE_BYTES`.
    ResponseTooLarge,
    /// The request ran past its deadline.
    Timeout,
    /// A mutation sent with GET.
    MethodNotAllowed,
    /// An open service (no credentials) was addressed by a host name that is not its own.
    ForbiddenHost,
    NotFound,
    DatabaseError,
    DatabaseUnavailable,
    InternalServerError,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    /// No or bad credentials.
    Unauthenticated,
    /// A role too low for the operation.
    Forbidden,
    /// A per-caller rate; `extensions.retryAfter` says how long to wait.
    RateLimited,
    /// A caller or connection holds as many subscriptions as it may.
    TooManySubscriptions,
    /// `cancelJob` of a job that has ended.
    JobAlreadyEnded,
    /// A persisted query's hash not known (yet): the client sends the text with it.
    PersistedQueryNotFound,
    /// A curation named a version of the skill that is no longer current; `extensions.currentVersion`
    /// says which is.
    Conflict,
    /// A `graphChanges` subscriber fell further behind than its buffer; `extensions.resumeAfter`
    /// names the last change it received, to subscribe again after.
    SubscriberLagged,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The HTTP status of a response refused as a whole with this code. Errors of a field are
    /// answered 200 with the error in the body, as GraphQL over HTTP says.
    pub fn http_status(self) -> StatusCode {
        use ErrorCode as C;
        match self {
            C::BadRequest
            | C::GraphqlParseFailed
            | C::GraphqlValidationFailed
            | C::BadUserInput => StatusCode::BAD_REQUEST,
            C::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            C::Timeout | C::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            C::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            C::Forbidden | C::ForbiddenHost => StatusCode::FORBIDDEN,
            C::NotFound | C::PersistedQueryNotFound => StatusCode::NOT_FOUND,
            C::Unauthenticated => StatusCode::UNAUTHORIZED,
            C::RateLimited | C::TooManySubscriptions | C::SubscriberLagged => {
                StatusCode::TOO_MANY_REQUESTS
            }
            C::JobAlreadyEnded | C::Conflict => StatusCode::CONFLICT,
            C::ResponseTooLarge | C::DatabaseError | C::InternalServerError => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// A response refused as a whole: this code's status, and a GraphQL error body.
    pub fn response(self, message: impl Into<String>) -> Response {
        let body = json!({"errors": [{"message": message.into(), "extensions": {"code": self}}]});
        (self.http_status(), axum::Json(body)).into_response()
    }
}

impl From<ErrorCode> for async_graphql::Value {
    fn from(code: ErrorCode) -> Self {
        async_graphql::Value::from(code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_code_reads_back_and_has_a_status() {
        for code in ErrorCode::iter() {
            assert_eq!(code.as_str().parse::<ErrorCode>().unwrap(), code);
            assert!(code.http_status().is_client_error() || code.http_status().is_server_error());
        }
        assert_eq!(
            ErrorCode::GraphqlParseFailed.as_str(),
            "GRAPHQL_PARSE_FAILED"
        );
        assert_eq!(
            ErrorCode::TooManySubscriptions.as_str(),
            "TOO_MANY_SUBSCRIPTIONS"
        );
    }
}
