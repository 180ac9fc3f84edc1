//! skillgraph: a skill graph over Neo4j, served through GraphQL.
//!
//! - [`api`]: HTTP, GraphQL and REST surface
//! - [`graph`]: Cypher access to the graph database
//! - [`jobs`]: persisted asynchronous jobs
//! - [`ingest`]: the sources the graph is filled from
//! - [`client`]: the command-line client of a running service
pub mod api;
pub mod client;
pub mod config;
pub mod graph;
pub mod ingest;
pub mod jobs;
pub mod model;
pub mod server;
pub mod telemetry;
