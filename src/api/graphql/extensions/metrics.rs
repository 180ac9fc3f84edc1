//! Metrics of every GraphQL operation by its type and first root field (labels from the
//! schema, so their number is bounded whatever clients send).
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use async_graphql::{Response, ServerResult, Variables};
pub struct OperationMetrics;

impl ExtensionFactory for OperationMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationMetricsExtension::default())
    }
}

/// What the parsed document says the operation is: (type, first root field).
#[derive(Default)]
struct OperationMetricsExtension(Mutex<Option<(&'static str, String)>>);

#[async_trait::async_trait]
impl Extension for OperationMetricsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Some((_, op)) = doc.operations.iter().next() {
            let kind = match op.node.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            };
            let field = op
                .node
                .selection_set
                .node
                .items
                .iter()
                .find_map(|s| match &s.node {
                    Selection::Field(f) => Some(f.node.name.node.to_string()),
                    _ => None,
                })
                .unwrap_or_default();
            *self.0.lock().unwrap() = Some((kind, field));
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let started = Instant::now();
        let resp = next.run(ctx, operation_name).await;
        let (kind, field) = self
            .0
            .lock()
            .unwrap()
            .clone()
            .unwrap_or(("query", String::new()));
        // Only root fields the schema knows become labels.
        let registry = &ctx.schema_env.registry;
        let root = match kind {
            "query" => Some(registry.query_type.as_str()),
            "mutation" => registry.mutation_type.as_deref(),
            _ => registry.subscription_type.as_deref(),
        };
        let known = root
            .and_then(|r| registry.types.get(r))
            .is_some_and(|t| t.field_by_name(&field).is_some());
        let field = if known { field } else { "unknown".into() };
        let outcome = if resp.errors.is_empty() {
            "ok"
        } else {
            "error"
        };
        metrics::histogram!("skillgraph_graphql_operation_duration_seconds", "type" => kind, "field" => field.clone())
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("skillgraph_graphql_operations_total", "type" => kind, "field" => field, "outcome" => outcome)
            .increment(1);
        resp
    }
}
