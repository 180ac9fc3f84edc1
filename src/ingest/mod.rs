//! Sources the graph is filled from.
pub mod credential_engine;
pub mod file_load;
