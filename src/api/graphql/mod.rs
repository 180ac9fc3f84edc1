//! The GraphQL schema: its roots, one module per area (skills, alignments, frameworks, jobs,
//! file loads, events, node), what resolvers share (context, loaders, pagination, errors), and the
//! extensions every operation passes through.
mod alignments;
mod context;
pub mod documents;
mod errors;
mod event_content;
mod events;
pub mod extensions;
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
mod pagination;
mod search;
mod skills;
mod trees;

use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

use super::state::AppState;
use extensions::document_rules::DocumentRules;
use extensions::operation::Operation;

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

pub fn schema(state: AppState) -> AppSchema {
    let limits = &state.config.limits;
    let mut builder = schema_builder()
        .extension(Operation {
            rules: DocumentRules {
                documents: state.documents.clone(),
                max_depth: limits.max_query_depth,
                max_root_fields: limits.max_root_fields,
                max_fields: limits.max_query_fields,
                max_tokens: limits.max_query_tokens,
            },
            max_cost: limits.max_query_complexity,
        })
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            PERSISTED_QUERIES,
        )));
    if limits.disable_introspection {
        builder = builder.disable_introspection();
    }
    builder.data(state).finish()
}

/// Automatic persisted queries kept (least recently used go first).
const PERSISTED_QUERIES: usize = 1024;
