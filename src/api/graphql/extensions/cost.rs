//! A query's cost (its complexity: the items it can return, each nested list weighed by its
//! page size), checked against the limit and told to the client either way: a refusal carries
//! `extensions.cost` and `extensions.limit`, and an answer carries
//! `extensions.cost: {requested, limit}`, so a client can see how close it is (as GitHub's
//! `rateLimit` does).
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult, Value};

use crate::api::graphql::errors::{server_error, ErrorCode};

/// Refuses operations that cost more than `limit`.
pub struct Cost {
    pub limit: usize,
}

impl ExtensionFactory for Cost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostExtension {
            limit: self.limit,
            cost: Mutex::default(),
        })
    }
}

/// One operation's: the limit, and its cost once validated.
struct CostExtension {
    limit: usize,
    cost: Mutex<Option<usize>>,
}

/// The figures a client sees, in a refusal or beside an answer.
fn figures(cost: usize, limit: usize) -> Value {
    let mut map = async_graphql::indexmap::IndexMap::new();
    map.insert(async_graphql::Name::new("requested"), Value::from(cost));
    map.insert(async_graphql::Name::new("limit"), Value::from(limit));
    Value::Object(map)
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let (cost, limit) = (result.complexity, self.limit);
        if cost > limit {
            let message = format!(
                "Query is too complex: it costs {cost}, the limit is {limit}. Ask for smaller \
                 pages (`first`) or fewer nested lists."
            );
            let mut e = server_error(ErrorCode::GraphqlValidationFailed, message);
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("cost", cost);
            ext.set("limit", limit);
            return Err(vec![e]);
        }
        *self.cost.lock().unwrap() = Some(cost);
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let resp = next.run(ctx, operation_name).await;
        match *self.cost.lock().unwrap() {
            Some(cost) => resp.extension("cost", figures(cost, self.limit)),
            None => resp,
        }
    }
}
