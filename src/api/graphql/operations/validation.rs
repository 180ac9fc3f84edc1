//! The checking schema's one extension: it hands the validation's result (the operation's cost)
//! to the executor and stops the operation there. The checking schema validates; the running
//! schema, which has no extension, executes (see `executor`).
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult};

/// Where the cost of a validated operation is put (request data of the checking pass).
#[derive(Clone, Default)]
pub struct Validated(pub Arc<OnceLock<usize>>);

pub struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ValidateOnly)
    }
}

#[async_trait::async_trait]
impl Extension for ValidateOnly {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(Validated(cost)) = ctx.data_opt::<Validated>() {
            let _ = cost.set(result.complexity);
        }
        Ok(result)
    }

    async fn execute(
        &self,
        _: &ExtensionContext<'_>,
        _: Option<&str>,
        _: NextExecute<'_>,
    ) -> Response {
        Response::default()
    }
}
