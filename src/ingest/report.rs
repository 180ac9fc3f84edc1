//! How a source tells whoever runs it what it did, and learns that it should stop. Sources know
//! nothing of jobs: the runner implements [`Report`] and owns the cancellation token.
use std::future::Future;

use tokio_util::sync::CancellationToken;

use crate::graph::writes::Written;
use crate::graph::GraphError;

/// The counters a source advances; each source uses the ones that fit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Counter {
    FrameworksTotal,
    FrameworksDone,
    CompetenciesTotal,
    CompetenciesDone,
    RowsRead,
    RowsLoaded,
    RowsRejected,
    /// Values and edges an import left as a curator had made them.
    ChangesKept,
    SkillsAdded,
    SkillsChanged,
    SkillsRemoved,
    EdgesAdded,
    EdgesChanged,
    EdgesRemoved,
    /// Changes made but not recorded in the history: the job's share was used up.
    ChangesUnrecorded,
}

/// Reports what a batch of graph writes did.
pub fn written(report: &dyn Report, w: Written) {
    for (counter, n) in [
        (Counter::ChangesKept, w.kept),
        (Counter::SkillsAdded, w.skills_added),
        (Counter::SkillsChanged, w.skills_changed),
        (Counter::SkillsRemoved, w.skills_removed),
        (Counter::EdgesAdded, w.edges_added),
        (Counter::EdgesChanged, w.edges_changed),
        (Counter::EdgesRemoved, w.edges_removed),
        (Counter::ChangesUnrecorded, w.unrecorded),
    ] {
        if n != 0 {
            report.add(counter, n);
        }
    }
}

/// One problem met on the way: what it was about (a URI, a competency) or where (a line), and
/// why. The work goes on.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub target: Option<String>,
    pub line: Option<i64>,
    pub message: String,
}

impl Problem {
    pub fn about(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            target: Some(target.into()),
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(line: i64, message: impl Into<String>) -> Self {
        Self {
            target: None,
            line: Some(line),
            message: message.into(),
        }
    }
}

/// Where a source reports; cheap and synchronous (the runner stores it on its own schedule).
pub trait Report: Send + Sync {
    fn add(&self, counter: Counter, n: i64);
    fn problem(&self, problem: Problem);
}

/// Why a source stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    /// The cancellation token fired; what was written stays.
    #[error("interrupted")]
    Interrupted,
    #[error("{0}")]
    Failed(String),
    /// The database could not be reached: a job that can resume waits for it and goes on.
    #[error("{0}")]
    Unavailable(String),
}

/// The job's message says what users may know; the driver's words go to the log.
impl From<GraphError> for Stop {
    fn from(e: GraphError) -> Self {
        tracing::error!(error = %e, "graph database request failed during a job");
        if e.is_unavailable() {
            Stop::Unavailable(e.public_message().into())
        } else {
            Stop::Failed(e.public_message().into())
        }
    }
}

/// Runs `work` unless `cancel` fires first. For waits that may hang (a fetch, an S3 read), never
/// around a database write, which must not be dropped halfway.
pub async fn unless_cancelled<T>(
    cancel: &CancellationToken,
    work: impl Future<Output = T>,
) -> Result<T, Stop> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Stop::Interrupted),
        out = work => Ok(out),
    }
}

/// `Err(Interrupted)` once cancellation was asked for; call between units of work.
pub fn checkpoint(cancel: &CancellationToken) -> Result<(), Stop> {
    if cancel.is_cancelled() {
        Err(Stop::Interrupted)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_errors_reach_jobs_without_driver_details() {
        let raw = "connection refused by 10.1.2.3:7687 (user neo4j)";
        for e in [
            GraphError::Unavailable(raw.into()),
            GraphError::Decode(raw.into()),
        ] {
            let (Stop::Failed(message) | Stop::Unavailable(message)) = Stop::from(e) else {
                panic!("a graph error stops the job");
            };
            assert!(!message.contains("10.1.2.3"), "{message}");
            assert!(message.contains("graph database"), "{message}");
        }
    }
}
