//! The caller limits (`api/caller_limits.rs`) applied to every GraphQL operation: its cost
//! charged to the caller's rate once validated, a slot of the caller's while it runs.
use async_graphql::extensions::ExtensionContext;
use async_graphql::ServerError;

use crate::api::auth::Identity;
use tokio::sync::OwnedSemaphorePermit;

use crate::api::caller_limits::CallerLimits;
use crate::api::graphql::errors::limited_request;
use crate::api::state::AppState;

fn caller_and_limits<'a>(ctx: &'a ExtensionContext<'_>) -> Option<(&'a str, &'a CallerLimits)> {
    let who = ctx.data_opt::<Identity>()?;
    let state = ctx.data_opt::<AppState>()?;
    Some((&who.name, &state.caller_limits))
}

/// Charges a validated operation's cost to its caller's rate.
pub fn charge(ctx: &ExtensionContext<'_>, cost: usize) -> Result<(), ServerError> {
    match caller_and_limits(ctx) {
        Some((caller, limits)) => limits
            .charge_cost(caller, cost)
            .map_err(|e| limited_request(&e)),
        None => Ok(()),
    }
}

/// A slot of the caller's for the operation's run (none without a caller).
pub async fn enter(
    ctx: &ExtensionContext<'_>,
) -> Result<Option<OwnedSemaphorePermit>, ServerError> {
    match caller_and_limits(ctx) {
        Some((caller, limits)) => match limits.enter(caller).await {
            Ok(slot) => Ok(Some(slot)),
            Err(e) => Err(limited_request(&e)),
        },
        None => Ok(None),
    }
}
