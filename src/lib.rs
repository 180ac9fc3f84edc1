//! skillgraph: a skill graph over Neo4j, served through GraphQL.
//!
//! - [`api`]: HTTP, GraphQL and REST surface
//! - [`graph`]: Cypher access to the graph database
//! - [`jobs`]: persisted asynchronous jobs
//! - [`ingest`]: the sources the graph is filled from
//! - [`client`]: the command-line client of a running service
// The import job's future nests the framework import inside the credential import; the
// compiler's default depth (128) is too shallow to lay it out with the `otlp` feature.
#![recursion_limit = "256"]
pub mod api;
pub mod client;
pub mod config;
pub mod graph;
pub mod ingest;
pub mod jobs;
pub mod model;
pub mod server;
pub mod telemetry;
