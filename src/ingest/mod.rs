//! Sources the graph is filled from.
pub mod credential_engine;
