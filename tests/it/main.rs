//! Every integration test, one module per area, in one binary (one link step, one harness).
//! They talk to the real servers `scripts/test-env` starts: Neo4j (or ArcadeDB, with
//! `SKILLGRAPH_TEST_ENGINE=arcadedb`), the S3-compatible server, and recorded registry documents
//! served over HTTP. `cargo test --test it read_api` runs one area.
#![recursion_limit = "256"]

extern crate skillgraph_testkit as common;

mod cli;
mod clients;
mod credential_engine;
mod curation;
mod driver;
mod durable_jobs;
mod event_types;
mod explore;
mod file_load;
mod file_load_large;
mod filters;
mod graphql_http;
mod integrity;
mod jobs;
mod keyset;
mod listing_plans;
mod operations;
mod read_api;
mod read_cache;
mod registry_bounds;
mod rest_compat;
mod schema_drift;
mod security;
