//! A running job as this process holds it: what its handler reports lands in [`Live`], which
//! the runner's heartbeat stores; [`StopReason`] says why the runner interrupted it, through
//! its [`Running`] entry. Shared by the runner and the handlers' context, so neither imports
//! the other.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::model::{self, Job, JobType};
use crate::ingest::{Counter, Problem, Report};

/// Why the runner interrupted a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StopReason {
    /// `cancelJob`, from any replica.
    Cancelled,
    /// This process is shutting down: back to the queue.
    Handover,
    /// This process is shutting down and the drain timeout passed.
    Drain,
    /// Another process owns the job now: write nothing more.
    LeaseLost,
}

/// A job this process runs, as the rest of the process sees it: how to stop it, and why it was.
#[derive(Clone)]
pub(super) struct Running {
    pub(super) job_type: JobType,
    cancel: CancellationToken,
    reason: Arc<Mutex<Option<StopReason>>>,
}

impl Running {
    pub(super) fn new(job_type: JobType) -> Self {
        Self {
            job_type,
            cancel: CancellationToken::new(),
            reason: Arc::default(),
        }
    }

    /// Stops the job for `reason` (the first reason given is kept).
    pub(super) fn stop(&self, reason: StopReason) {
        self.reason.lock().unwrap().get_or_insert(reason);
        self.cancel.cancel();
    }

    /// The token its handler watches.
    pub(super) fn cancel(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Why it was stopped, if it was.
    pub(super) fn reason(&self) -> Option<StopReason> {
        *self.reason.lock().unwrap()
    }
}

/// The job as it runs: what the handler reports lands here, the heartbeat stores it.
pub(super) struct Live {
    pub(super) job: Mutex<Job>,
    pub(super) dirty: AtomicBool,
}

impl Live {
    pub(super) fn snapshot(&self) -> Job {
        self.job.lock().unwrap().clone()
    }

    pub(super) fn change(&self, f: impl FnOnce(&mut Job)) {
        f(&mut self.job.lock().unwrap());
        self.dirty.store(true, Ordering::SeqCst);
    }
}

impl Report for Live {
    fn add(&self, counter: Counter, n: i64) {
        self.change(|j| model::advance(&mut j.progress, counter, n));
        if n > 0 {
            let counter: &'static str = counter.into();
            metrics::counter!("skillgraph_job_progress_total", "counter" => counter)
                .increment(n as u64);
        }
    }
    fn problem(&self, problem: Problem) {
        self.change(|j| j.push_error(problem));
    }
}
