//! Metrics of every GraphQL operation by its type and first root field. Only validated
//! operations are recorded, so the fields are the schema's (or `__schema`, `__type`,
//! `__typename`): their number is bounded whatever clients send.
use std::time::Instant;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use async_graphql::Response;

/// What the parsed document says the operation is: (type, first root field).
pub fn operation_of(doc: &ExecutableDocument) -> Option<(&'static str, String)> {
    let (_, op) = doc.operations.iter().next()?;
    let kind = match op.node.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    let field = (op.node.selection_set.node.items.iter())
        .find_map(|s| match &s.node {
            Selection::Field(f) => Some(f.node.name.node.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    Some((kind, field))
}

/// Records an operation that started at `started` and answered `resp`.
pub fn record(operation: Option<(&'static str, String)>, started: Instant, resp: &Response) {
    let (kind, field) = operation.unwrap_or(("query", String::new()));
    let outcome = if resp.errors.is_empty() {
        "ok"
    } else {
        "error"
    };
    metrics::histogram!("skillgraph_graphql_operation_duration_seconds", "type" => kind, "field" => field.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("skillgraph_graphql_operations_total", "type" => kind, "field" => field, "outcome" => outcome)
        .increment(1);
}
