//! What every resolver reads from the request's context: the application state, the request's
//! data loaders and its caller. Apart from the schema modules, so none of them imports another
//! for it.
use async_graphql::{Context, Result};

use tokio::sync::OwnedSemaphorePermit;

use super::errors::{coded, limited, ErrorCode};
use super::loaders::Loaders;
use crate::api::auth::{Identity, Role};
use crate::api::caller_limits::ConnectionSubscriptions;
use crate::api::state::AppState;

pub(super) fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState> {
    ctx.data::<AppState>()
        .map_err(|_| coded(ErrorCode::InternalServerError, "application state missing"))
}

pub(super) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data::<Loaders>()
        .or_else(|_| ctx.data::<std::sync::Arc<Loaders>>().map(|l| &**l))
        .map_err(|_| coded(ErrorCode::InternalServerError, "data loaders missing"))
}

/// The caller of the current GraphQL request.
pub fn caller<'a>(ctx: &Context<'a>) -> Result<&'a Identity> {
    ctx.data::<Identity>()
        .map_err(|_| coded(ErrorCode::Unauthenticated, "credentials required"))
}

/// The caller, if it has at least `role`; `ErrorCode::Forbidden` otherwise.
pub fn require<'a>(ctx: &Context<'a>, role: Role) -> Result<&'a Identity> {
    let who = caller(ctx)?;
    if who.role < role {
        return Err(coded(
            ErrorCode::Forbidden,
            format!("{} may not do this: it needs the {role} role", who.name),
        ));
    }
    Ok(who)
}

/// The slots a subscription holds while it runs: one of the caller's, and one of the
/// connection's (on WebSocket); refused with the caller limit's code when none is free.
pub(super) fn subscription_slots(ctx: &Context<'_>) -> Result<Vec<OwnedSemaphorePermit>> {
    let state = state(ctx)?;
    let who = caller(ctx)?;
    let mut held = vec![state
        .caller_limits
        .subscribe(&who.name)
        .map_err(|e| limited(&e))?];
    if let Some(connection) = ctx.data_opt::<ConnectionSubscriptions>() {
        held.push(connection.take().map_err(|e| limited(&e))?);
    }
    Ok(held)
}
