//! The GraphQL schema: its roots, one module per area (skills, alignments, frameworks, jobs,
//! file loads, events, node), what resolvers share (context, loaders, pagination, errors), and
//! what every operation passes through (`operations`).
mod alignments;
mod context;
pub mod documents;
mod errors;
mod event_content;
mod events;
mod facets;
mod file_load;
mod filters;
mod frameworks;
#[cfg(test)]
mod fuzz;
mod jobs;
pub mod loaders;
mod lookups;
mod node;
pub mod operations;
mod pagination;
mod search;
mod skills;
mod trees;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder, ValidationMode};

use super::state::AppState;
use operations::document_rules::DocumentRules;
use operations::executor::{Executor, Operations};
use operations::validation::ValidateOnly;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    skills::SkillQuery,
    frameworks::FrameworkQuery,
    lookups::LookupQuery,
    search::SearchQuery,
    facets::FacetQuery,
    jobs::JobQuery,
    events::EventQuery,
);

#[derive(MergedObject, Default)]
pub struct MutationRoot(jobs::JobMutation, file_load::FileLoadMutation);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(jobs::JobSubscription);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema without runtime data: enough to print the SDL.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
}

pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

/// What the transports run operations with: the checking and the running schema (see
/// `operations::executor`) and the limits.
pub fn executor(state: AppState) -> Executor {
    let limits = &state.config.limits;
    let build = |builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>| {
        let builder = if limits.disable_introspection {
            builder.disable_introspection()
        } else {
            builder
        };
        builder.data(state.clone()).finish()
    };
    Executor::new(Operations {
        checking: build(schema_builder().extension(ValidateOnly)),
        // Validated on the checking schema already: the running schema only works out what
        // execution needs.
        running: build(schema_builder().validation_mode(ValidationMode::Fast)),
        documents: state.documents.clone(),
        rules: DocumentRules {
            max_depth: limits.max_query_depth,
            max_root_fields: limits.max_root_fields,
            max_fields: limits.max_query_fields,
            max_tokens: limits.max_query_tokens,
        },
        max_cost: limits.max_query_complexity,
        limits: Some(state.caller_limits.clone()),
        persisted: Default::default(),
    })
}
