//! What a statement can fail with, and which failures mean "send it again".
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// The database cannot be reached, or did not answer before the deadline.
    #[error("graph database unavailable: {0}")]
    Unavailable(String),
    #[error("graph database error: {0}")]
    Database(neo4rs::Error),
    #[error("unexpected row shape from the graph database: {0}")]
    Decode(String),
    #[error("parameter could not be encoded for the graph database: {0}")]
    Encode(String),
    /// Others kept writing what a batch was about to write, under every attempt.
    #[error("written concurrently: {0}")]
    Contended(String),
}

impl From<neo4rs::Error> for GraphError {
    fn from(e: neo4rs::Error) -> Self {
        use neo4rs::Error as E;
        match e {
            E::IOError { .. }
            | E::ConnectionError
            | E::ConnectionClosed(_)
            | E::ConnectionTimedOut => GraphError::Unavailable(e.to_string()),
            e => GraphError::Database(e),
        }
    }
}

impl GraphError {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, GraphError::Unavailable(_))
    }

    /// What users may be told: no driver internals (those are logged where the error is met).
    pub fn public_message(&self) -> &'static str {
        match self {
            GraphError::Unavailable(_) => {
                "the graph database is unreachable or did not answer in time; try again later"
            }
            GraphError::Database(_) => "the graph database request failed; try again later",
            GraphError::Decode(_) | GraphError::Encode(_) => {
                "the graph database holds or was sent data of an unexpected shape"
            }
            GraphError::Contended(_) => "others kept changing what was to be written; try again",
        }
    }

    /// A concurrent MERGE created the same unique key first.
    pub fn is_merge_race(&self) -> bool {
        matches!(self, GraphError::Database(neo4rs::Error::Neo4j(e))
            if e.code() == "Neo.ClientError.Schema.ConstraintValidationFailed")
    }
}

pub type GraphResult<T> = Result<T, GraphError>;

/// Why Neo4j asked for a statement to be sent again, if it did: a transient error (a deadlock
/// it detected, a lock wait past `db.lock.acquisition.timeout`, a leader change) means the
/// statement's transaction was rolled back, so sending it again is safe for any statement.
pub(super) fn transient(e: &neo4rs::Error) -> Option<&'static str> {
    let neo4rs::Error::Neo4j(e) = e else {
        return None;
    };
    let code = e.code();
    // The driver reads these two as final: the transaction was stopped on purpose.
    let stopped = code.ends_with(".LockClientStopped") || code.ends_with(".Terminated");
    if !code.starts_with("Neo.TransientError.") || stopped {
        return None;
    }
    Some(retry_reason(code))
}

/// The `reason` label of a retry, from the Neo4j error code (or a message naming it).
pub(super) fn retry_reason(code: &str) -> &'static str {
    if code.contains("DeadlockDetected") {
        "deadlock"
    } else if code.contains("LockAcquisitionTimeout") {
        "lock_timeout"
    } else {
        "transient"
    }
}
