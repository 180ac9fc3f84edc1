//! The caller limits (`api/caller_limits.rs`) applied to every GraphQL operation.
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult};

use crate::api::auth::Identity;
use crate::api::caller_limits::CallerLimits;
use crate::api::graphql::errors::limited_request;
use crate::api::state::AppState;

/// Applies the limits to every GraphQL operation: cost once validated, a slot while it runs.
pub struct CallerLimitsExtension;

impl ExtensionFactory for CallerLimitsExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CallerLimitsExtension)
    }
}

fn caller_and_limits<'a>(ctx: &'a ExtensionContext<'_>) -> Option<(&'a str, &'a CallerLimits)> {
    let who = ctx.data_opt::<Identity>()?;
    let state = ctx.data_opt::<AppState>()?;
    Some((&who.name, &state.caller_limits))
}

#[async_trait::async_trait]
impl Extension for CallerLimitsExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some((caller, limits)) = caller_and_limits(ctx) {
            limits
                .charge_cost(caller, result.complexity)
                .map_err(|e| vec![limited_request(&e)])?;
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let _slot = match caller_and_limits(ctx) {
            Some((caller, limits)) => match limits.enter(caller).await {
                Ok(slot) => Some(slot),
                Err(e) => return Response::from_errors(vec![limited_request(&e)]),
            },
            None => None,
        };
        next.run(ctx, operation_name).await
    }
}
