//! Sources the graph is filled from. They write through `graph/`, report through [`Report`] and
//! stop when their cancellation token fires; they know nothing of the job runner or GraphQL.
pub mod credential_engine;
pub mod file_load;
pub mod hierarchy;
pub mod report;
pub mod text;

pub use report::{Counter, Problem, Report, Stop};
