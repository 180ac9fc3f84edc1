//! A query's cost (its complexity: the items it can return, each nested list weighed by its
//! page size), checked against the limit and told to the client either way: a refusal carries
//! `extensions.cost` and `extensions.limit`, and an answer carries
//! `extensions.cost: {requested, limit}`, so a client can see how close it is (as GitHub's
//! `rateLimit` does).
use async_graphql::{Response, ServerError, Value};

use crate::api::graphql::errors::{server_error, ErrorCode};

/// Refuses an operation that costs more than `limit`, saying both.
pub fn check(cost: usize, limit: usize) -> Result<(), ServerError> {
    if cost <= limit {
        return Ok(());
    }
    let message = format!(
        "Query is too complex: it costs {cost}, the limit is {limit}. Ask for smaller \
         pages (`first`) or fewer nested lists."
    );
    let mut e = server_error(ErrorCode::GraphqlValidationFailed, message);
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("cost", cost);
    ext.set("limit", limit);
    Err(e)
}

/// The answer with its cost beside it.
pub fn told(resp: Response, cost: usize, limit: usize) -> Response {
    let mut map = async_graphql::indexmap::IndexMap::new();
    map.insert(async_graphql::Name::new("requested"), Value::from(cost));
    map.insert(async_graphql::Name::new("limit"), Value::from(limit));
    resp.extension("cost", Value::Object(map))
}
