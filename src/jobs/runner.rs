//! The runner: the claim loop, and for each claimed job a task that runs its handler while a
//! heartbeat stores progress (throttled to one write a heartbeat), renews the lease and reads
//! the cancel flag. The runner writes a job's state from its claim to its end; the only other
//! writes are [`Jobs::submit`](super::Jobs::submit), which creates the node, and
//! [`Jobs::cancel`](super::Jobs::cancel), which ends a queued job at once (it has no runner to
//! ask) or sets `cancel_requested` on an active one, which its runner reads at its next
//! heartbeat and then ends the job itself. Both take the queue lock a claim takes.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use tokio::sync::OwnedSemaphorePermit;

use super::handlers::{Handler, JobFailure, JobStore, RunContext};
use super::live::{Live, Running, StopReason};
use super::model::{Job, JobStatus, JobType};
use super::{Jobs, CANCELLED_MESSAGE};
use crate::graph::jobs::{self as stored, now_ms, JobRecord, JobState, Stored};
use crate::graph::{now, GraphResult};
use crate::ingest::file_load::s3::AwsCredentials;

/// Retries for storing a job's state: the database may be briefly away.
fn retry_policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(2))
        .with_max_times(4)
        .with_jitter()
}

impl Jobs {
    pub(super) async fn claim_loop(self: Arc<Self>) {
        let mut hold_due = tokio::time::Instant::now();
        loop {
            if self.stopping.is_cancelled() {
                return;
            }
            if tokio::time::Instant::now() >= hold_due {
                match stored::hold(&self.graph, &self.owner, self.lease_until()).await {
                    Ok(_) => hold_due += self.timings.lease / 3,
                    // Again on the next turn of the loop, not a third of a lease later.
                    Err(e) => tracing::warn!(error = %e, "could not renew the leases of held jobs"),
                }
            }
            if let Ok(permit) = self.slots.clone().try_acquire_owned() {
                let running = self.running.lock().unwrap().keys().cloned().collect();
                match stored::claim(
                    &self.graph,
                    &self.owner,
                    self.lease_until(),
                    self.timings.max_attempts,
                    running,
                )
                .await
                {
                    Ok(Some(record)) => {
                        let me = self.clone();
                        self.tasks
                            .spawn(async move { me.run(record, permit).await });
                        continue;
                    }
                    Ok(None) => {}
                    // Two replicas claiming at once: one of them may get a conflict; it tries
                    // again on the next poll.
                    Err(e) => tracing::debug!(error = %e, "claim failed"),
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.timings.poll) => {}
                _ = self.stopping.cancelled() => return,
            }
        }
    }

    fn lease_until(&self) -> i64 {
        now_ms() + self.timings.lease.as_millis() as i64
    }

    /// Stops the job `name` if it runs here.
    pub(super) fn interrupt(&self, name: &str, reason: StopReason) {
        if let Some(r) = self.running.lock().unwrap().get(name) {
            r.stop(reason);
        }
    }

    pub(super) fn interrupt_where(
        &self,
        reason: StopReason,
        pick: impl Fn(JobType) -> bool,
    ) -> usize {
        let running = self.running.lock().unwrap();
        running
            .values()
            .filter(|r| pick(r.job_type))
            .map(|r| r.stop(reason))
            .count()
    }

    async fn run(self: Arc<Self>, record: JobRecord, _slot: OwnedSemaphorePermit) {
        let name = record.name.clone();
        let job = match Job::try_from(record) {
            Ok(job) => job,
            Err(e) => return self.fail_unreadable(&name, &e.to_string()).await,
        };
        tracing::info!(job = %name, r#type = job.job_type().as_str(), attempt = job.attempts, "job claimed");
        metrics::counter!("skillgraph_jobs_claimed_total", "type" => job.job_type().as_str())
            .increment(1);
        let handler = self.handlers.for_type(job.job_type());
        let running = Running::new(job.job_type());
        if job.cancel_requested {
            running.stop(StopReason::Cancelled);
        }
        self.running
            .lock()
            .unwrap()
            .insert(name.clone(), running.clone());
        let secrets = self.secrets.lock().unwrap().remove(&name);
        let live = Arc::new(Live {
            job: Mutex::new(job),
            dirty: AtomicBool::new(false),
        });
        let outcome = self.work(&name, &handler, &live, &running, secrets).await;
        self.running.lock().unwrap().remove(&name);
        match ending(outcome, running.reason(), handler.as_ref(), &live) {
            Ending::Leave => tracing::warn!(job = %name, "lease lost to another process; stopped"),
            Ending::HandBack => self.release(&live).await,
            Ending::Finish(status, message) => {
                self.finish(&live, status, message).await;
                self.wake.notify_one();
            }
        }
    }

    /// A claimed job whose node cannot be read fails, saying why.
    async fn fail_unreadable(&self, name: &str, why: &str) {
        tracing::error!(job = %name, error = %why, "claimed a job that cannot be read");
        let state = JobState {
            status: JobStatus::Failed.as_str().into(),
            message: Some(format!("the job could not be read: {why}")),
            last_modified_time: now(),
            finished_time: Some(now()),
            errors_json: "[]".into(),
            ..Default::default()
        };
        let _ = stored::store(&self.graph, name, &self.owner, &state, true).await;
    }

    /// Runs the handler to its end. A job that resumes from its checkpoint waits out an
    /// unreachable database (up to the outage wait) and runs again, rather than failing half
    /// done.
    async fn work(
        self: &Arc<Self>,
        name: &str,
        handler: &Arc<dyn Handler>,
        live: &Arc<Live>,
        running: &Running,
        secrets: Option<AwsCredentials>,
    ) -> Outcome {
        let mut outage: Option<std::time::Instant> = None;
        loop {
            let ctx = RunContext::new(
                self.clone(),
                live.clone(),
                running.cancel(),
                secrets.clone(),
            );
            let work = {
                let handler = handler.clone();
                // Its own task, so that a panic ends the job instead of the runner.
                tokio::spawn(async move { handler.run(&ctx).await })
            };
            let out = self.heartbeat(name, live, work).await;
            let unavailable = matches!(&out, Ok(Err(JobFailure::Unavailable(_))));
            if !(unavailable && handler.resumes() && running.reason().is_none()) {
                return out;
            }
            let since = *outage.get_or_insert_with(std::time::Instant::now);
            let stop = || running.cancel().is_cancelled();
            metrics::counter!("skillgraph_jobs_waiting_for_database_total").increment(1);
            if self.graph.wait_for_answer(since, &stop).await.is_err() {
                return out;
            }
            // The lease may have run out meanwhile: renewed first, unless another process has
            // taken the job over.
            if let Ok(Stored::Lost) = self.flush(live).await {
                self.interrupt(name, StopReason::LeaseLost);
                return out;
            }
            tracing::warn!(job = %name, "graph database answers again; resuming from the checkpoint");
        }
    }

    /// Runs the handler's task to its end, storing progress (and reading the cancel flag) every
    /// heartbeat meanwhile.
    async fn heartbeat(
        &self,
        name: &str,
        live: &Live,
        mut work: tokio::task::JoinHandle<Result<(), JobFailure>>,
    ) -> Outcome {
        let mut heartbeat = tokio::time::interval(self.timings.heartbeat);
        // After a slow store, wait a whole heartbeat again rather than catching up in a burst.
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                out = &mut work => return out,
                _ = heartbeat.tick() => match self.flush(live).await {
                    Ok(Stored::Owned { cancel_requested: true }) => {
                        self.interrupt(name, StopReason::Cancelled)
                    }
                    Ok(Stored::Owned { .. }) => {}
                    Ok(Stored::Lost) => self.interrupt(name, StopReason::LeaseLost),
                    // The lease outlives a few missed heartbeats; the next one tries again.
                    Err(e) => tracing::warn!(job = %name, error = %e, "could not store job progress"),
                },
            }
        }
    }

    /// Stores the final state, retrying; if the full state cannot be stored, stores a short
    /// failure instead, so a job never stays active behind a live process.
    async fn finish(&self, live: &Live, status: JobStatus, message: Option<String>) {
        live.change(|j| {
            j.status = status;
            j.message = message;
            j.finished_time = Some(now());
            j.last_modified_time = now();
        });
        let job = live.snapshot();
        let state = JobState {
            owner: Some(self.owner.clone()),
            ..job.state()
        };
        let store = || stored::store(&self.graph, &job.name, &self.owner, &state, true);
        let e = match store.retry(retry_policy()).await {
            Ok(Stored::Owned { .. }) => {
                tracing::info!(job = %job.name, status = status.as_str(), "job ended");
                metrics::counter!("skillgraph_jobs_ended_total", "type" => job.job_type().as_str(), "status" => status.as_str())
                    .increment(1);
                return;
            }
            Ok(Stored::Lost) => {
                tracing::warn!(job = %job.name, "job taken over by another process before it could end here");
                return;
            }
            Err(e) => e,
        };
        tracing::error!(job = %job.name, error = %e, "could not store the end of a job; storing a short failure");
        let short = JobState {
            status: JobStatus::Failed.as_str().into(),
            message: Some(format!(
                "the job's final state ({}) could not be stored: {}",
                status.as_str(),
                e.public_message()
            )),
            errors_json: "[]".into(),
            errors_dropped: job.errors_dropped + job.errors.len() as i64,
            ..state.clone()
        };
        let store = || stored::store(&self.graph, &job.name, &self.owner, &short, true);
        if let Err(e) = store.retry(retry_policy()).await {
            tracing::error!(job = %job.name, error = %e, "job left active; its lease will expire and another process will end it");
        }
    }

    /// Gives a job back to the queue (shutdown): any process may claim it and resume.
    async fn release(&self, live: &Live) {
        live.change(|j| {
            j.status = JobStatus::Queued;
            j.owner = None;
        });
        let job = live.snapshot();
        let state = JobState {
            last_modified_time: now(),
            ..job.state()
        };
        let store = || stored::store(&self.graph, &job.name, &self.owner, &state, true);
        match store.retry(retry_policy()).await {
            Ok(Stored::Owned { .. }) => {
                tracing::info!(job = %job.name, "job handed back to the queue")
            }
            Ok(Stored::Lost) => {
                tracing::warn!(job = %job.name, "job already taken over by another process")
            }
            Err(e) => {
                tracing::warn!(job = %job.name, error = %e, "could not hand the job back; its lease will expire")
            }
        }
    }
}

/// How a handler's task ended: its result, or its panic.
type Outcome = Result<Result<(), JobFailure>, tokio::task::JoinError>;

/// What the runner does with a job whose handler returned.
enum Ending {
    /// Another process owns it now: write nothing.
    Leave,
    /// Shutdown: back to the queue, to resume elsewhere.
    HandBack,
    Finish(JobStatus, Option<String>),
}

fn ending(
    outcome: Outcome,
    reason: Option<StopReason>,
    handler: &dyn Handler,
    live: &Live,
) -> Ending {
    match (outcome, reason) {
        (_, Some(StopReason::LeaseLost)) => Ending::Leave,
        (Ok(Err(JobFailure::Interrupted)), Some(StopReason::Handover)) => Ending::HandBack,
        (Ok(Ok(())), _) => Ending::Finish(JobStatus::Succeeded, None),
        (Ok(Err(JobFailure::Failed(why) | JobFailure::Unavailable(why))), _) => {
            Ending::Finish(JobStatus::Failed, Some(why))
        }
        (Ok(Err(JobFailure::Interrupted)), Some(StopReason::Cancelled)) => {
            Ending::Finish(JobStatus::Cancelled, Some(CANCELLED_MESSAGE.to_string()))
        }
        (Ok(Err(JobFailure::Interrupted)), _) => {
            let why = handler.stopped_at_shutdown(&live.snapshot().progress);
            Ending::Finish(JobStatus::Failed, Some(why))
        }
        (Err(e), _) => {
            let why = panic_message(e);
            tracing::error!(job = %live.snapshot().name, panic = %why, "job panicked");
            Ending::Finish(JobStatus::Failed, Some(format!("the job panicked: {why}")))
        }
    }
}

fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into()),
        Err(e) => e.to_string(),
    }
}

/// What a handler's context may ask of the runner: store the job's state now (a checkpoint),
/// and stop it (its lease was lost).
#[async_trait::async_trait]
impl JobStore for Jobs {
    /// Stores what changed (if anything) and renews the lease: one write a heartbeat.
    async fn flush(&self, live: &Live) -> GraphResult<Stored> {
        let dirty = live.dirty.swap(false, Ordering::SeqCst);
        let (name, mut state) = {
            let mut job = live.job.lock().unwrap();
            if dirty {
                job.last_modified_time = now();
            }
            (job.name.clone(), job.state())
        };
        state.lease_until = self.lease_until();
        state.owner = Some(self.owner.clone());
        let stored = stored::store(&self.graph, &name, &self.owner, &state, dirty).await;
        match &stored {
            Ok(Stored::Owned { cancel_requested }) => {
                live.job.lock().unwrap().cancel_requested |= *cancel_requested
            }
            Ok(Stored::Lost) => {}
            Err(_) if dirty => live.dirty.store(true, Ordering::SeqCst),
            Err(_) => {}
        }
        stored
    }

    fn interrupt(&self, name: &str, reason: StopReason) {
        Jobs::interrupt(self, name, reason)
    }
}
