//! The one schema extension every operation passes through. async-graphql runs each field's
//! resolution through every extension registered, whether or not it looks at fields: with one
//! extension per concern, an uncached page of skills spent a tenth of its instructions in six
//! nested layers per field. So the concerns are plain functions in their modules, called here
//! in the order they must run:
//! - parsing: the document rules, then the operation is noted for metrics; any error gets a code;
//! - validation: the cost is checked against the limit (a refused query is not charged), then
//!   charged to the caller's rate; any error gets a code;
//! - execution: a slot of the caller's while it runs, the cost told beside the answer, metrics,
//!   and a code on every error.
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

use super::document_rules::DocumentRules;
use super::{caller_limits, cost, metrics};
use crate::api::graphql::errors::{ensure_code, ErrorCode};

/// The rules and limits every operation is held to.
#[derive(Clone)]
pub struct Operation {
    pub rules: DocumentRules,
    /// The most an operation may cost.
    pub max_cost: usize,
}

impl ExtensionFactory for Operation {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationExtension {
            limits: self.clone(),
            seen: Mutex::default(),
        })
    }
}

/// What one operation showed on its way: its kind and first field, its cost once validated.
#[derive(Default)]
struct Seen {
    operation: Option<(&'static str, String)>,
    cost: Option<usize>,
}

struct OperationExtension {
    limits: Operation,
    seen: Mutex<Seen>,
}

#[async_trait::async_trait]
impl Extension for OperationExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = match self.limits.rules.before_parse(ctx, query) {
            Ok(()) => next.run(ctx, query, variables).await,
            Err(e) => Err(e),
        };
        let doc = parsed.map_err(|e| ensure_code(e, ErrorCode::GraphqlParseFailed))?;
        self.seen.lock().unwrap().operation = metrics::operation_of(&doc);
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let code = |e| ensure_code(e, ErrorCode::GraphqlValidationFailed);
        let result = next
            .run(ctx)
            .await
            .map_err(|errors| errors.into_iter().map(code).collect::<Vec<_>>())?;
        cost::check(result.complexity, self.limits.max_cost).map_err(|e| vec![code(e)])?;
        caller_limits::charge(ctx, result.complexity).map_err(|e| vec![code(e)])?;
        self.seen.lock().unwrap().cost = Some(result.complexity);
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let started = Instant::now();
        let mut resp = match caller_limits::enter(ctx).await {
            Ok(_slot) => {
                let resp = next.run(ctx, operation_name).await;
                match self.seen.lock().unwrap().cost {
                    Some(c) => cost::told(resp, c, self.limits.max_cost),
                    None => resp,
                }
            }
            Err(e) => Response::from_errors(vec![e]),
        };
        let operation = self.seen.lock().unwrap().operation.take();
        metrics::record(ctx, operation, started, &resp);
        resp.errors = (resp.errors.into_iter())
            .map(|e| ensure_code(e, ErrorCode::InternalServerError))
            .collect();
        resp
    }
}
