//! What every GraphQL operation passes through, as one schema extension (`operation`): document
//! rules (size, depth, nesting), its cost against the limit, the caller limits, error codes on
//! every error, operation metrics; and the read cache the HTTP transport consults before
//! executing.
pub mod caller_limits;
pub mod cost;
pub mod document_rules;
pub mod metrics;
pub mod operation;
pub mod read_cache;
