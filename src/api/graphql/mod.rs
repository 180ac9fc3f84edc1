//! The GraphQL schema: its roots, one module per area (skills, alignments, frameworks, jobs,
//! file loads, events, node), what resolvers share (context, loaders, pagination, errors), and
//! what every operation passes through (`operations`).
mod alignments;
pub mod batch;
mod context;
mod curation;
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

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder};

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
pub struct MutationRoot(
    jobs::JobMutation,
    file_load::FileLoadMutation,
    curation::CurationMutation,
);

#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(jobs::JobSubscription, curation::CurationSubscription);

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
