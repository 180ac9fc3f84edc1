//! What every resolver reads from the request's context: the application state and the
//! request's data loaders. Apart from the schema modules, so none of them imports another for it.
use async_graphql::{Context, Result};

use super::errors::{coded, ErrorCode};
use super::loaders::Loaders;
use super::AppState;

pub(super) fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState> {
    ctx.data::<AppState>()
        .map_err(|_| coded(ErrorCode::InternalServerError, "application state missing"))
}

pub(super) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders> {
    ctx.data::<Loaders>()
        .map_err(|_| coded(ErrorCode::InternalServerError, "data loaders missing"))
}
