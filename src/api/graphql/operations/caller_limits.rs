//! The caller limits (`api/caller_limits.rs`) applied to every GraphQL operation: its cost
//! charged to the caller's rate once validated, a slot of the caller's while it runs. An
//! operation without a caller (none in the service; the schema's own tests) is not limited.
use async_graphql::ServerError;
use tokio::sync::OwnedSemaphorePermit;

use crate::api::auth::Identity;
use crate::api::caller_limits::CallerLimits;
use crate::api::graphql::errors::limited_request;

/// Charges a validated operation's cost to its caller's rate.
pub fn charge(
    limits: &CallerLimits,
    who: Option<&Identity>,
    cost: usize,
) -> Result<(), ServerError> {
    match who {
        Some(who) => (limits.charge_cost(&who.name, cost)).map_err(|e| limited_request(&e)),
        None => Ok(()),
    }
}

/// A slot of the caller's for the operation's run (none without a caller).
pub async fn enter(
    limits: &CallerLimits,
    who: Option<&Identity>,
) -> Result<Option<OwnedSemaphorePermit>, ServerError> {
    match who {
        Some(who) => match limits.enter(&who.name).await {
            Ok(slot) => Ok(Some(slot)),
            Err(e) => Err(limited_request(&e)),
        },
        None => Ok(None),
    }
}
