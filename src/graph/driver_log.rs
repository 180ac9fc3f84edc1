//! The driver's own retries, made visible. neo4rs sends a statement again when Neo4j answers
//! with a transient error (a deadlock it detected, a lock wait that timed out, a leader change):
//! the transaction was rolled back, so sending it again is safe for any statement. It says so
//! only through the `log` crate ("Retrying query in ... due to error: ..."); this logger counts
//! those lines in `skillgraph_cypher_retries_total` by reason and logs them at `warn`.

use std::sync::Once;

struct DriverLog;

impl log::Log for DriverLog {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target().starts_with("neo4rs")
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        if !message.starts_with("Retrying query") {
            return;
        }
        let reason = super::error::retry_reason(&message);
        metrics::counter!("skillgraph_cypher_retries_total", "reason" => reason).increment(1);
        tracing::warn!(reason, detail = %message, "the database asked for a statement to be sent again");
    }

    fn flush(&self) {}
}

/// Installs the logger once per process (the first connection does it); a `log` logger that
/// is already installed (an embedding program's) is left in place.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if log::set_logger(&DriverLog).is_ok() {
            // The driver logs short retries at debug.
            log::set_max_level(log::LevelFilter::Debug);
        }
    });
}
