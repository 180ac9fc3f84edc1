//! skillgraph: a skill graph over Neo4j, served through GraphQL.
//!
//! - [`api`]: HTTP and GraphQL surface
//! - [`graph`]: Cypher access to the graph database
pub mod api;
pub mod config;
pub mod graph;
pub mod ingest;
pub mod jobs;
pub mod server;
pub mod telemetry;
