//! What every GraphQL operation passes through (`executor`): a persisted query's text, the
//! document rules, validation and its cost on the checking schema (`validation`), the caller
//! limits, metrics and error codes; and the read cache the HTTP transport consults first.
pub mod caller_limits;
pub mod cost;
pub mod document_rules;
pub mod executor;
pub mod metrics;
pub mod persisted_queries;
pub mod read_cache;
pub mod validation;
