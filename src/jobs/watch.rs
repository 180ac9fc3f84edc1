//! Following a job live, wherever it runs. One poller per watched job per process reads the
//! job's change counter each `watch` interval (one indexed read) and the job only when it moved,
//! and hands each new state to every subscriber of this process through a `watch` channel: ten
//! thousand subscribers of a job cost the database what one does. Because the poller reads the
//! node, a subscriber on replica B sees a job replica A runs, and a restart loses nothing.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::model::Job;
use crate::graph::jobs as stored;
use crate::graph::{Graph, GraphResult};

/// The poller of each watched job: its channel's sender, by job name. The poller publishes news
/// only (see [`Job::looks_like`]), shared: a subscriber neither compares nor copies the job.
pub(super) struct Watchers {
    graph: Graph,
    /// How often a poller reads its job's change counter.
    interval: Duration,
    /// Fires once shutdown has handed back or drained the running jobs.
    closed: CancellationToken,
    pollers: Mutex<HashMap<String, watch::Sender<Update>>>,
}

/// Deliveries per second one watched job may cost this process. Each delivery runs the
/// subscriber's selection and writes a WebSocket message (tens of microseconds): with more
/// subscribers than this, the job is read less often than `watch` and each subscriber's
/// delivery is spread over the interval, so ten thousand watchers cost a steady fraction of a
/// core instead of bursts that stall every other request.
const DELIVERIES_PER_SECOND: f64 = 4_000.0;

/// A state of the job, and the time its subscribers spread their deliveries over.
#[derive(Clone)]
struct Update {
    job: Arc<Job>,
    spread: Duration,
}

/// Where in a spread this subscriber delivers, in [0, 1): evenly scattered by a counter.
fn next_slot() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as f64;
    (n * 0.618_033_988_749_895).fract()
}

impl Watchers {
    pub(super) fn new(graph: Graph, interval: Duration, closed: CancellationToken) -> Arc<Self> {
        Arc::new(Self {
            graph,
            interval,
            closed,
            pollers: Mutex::default(),
        })
    }

    /// `first`, then the job again on every visible change; ends when the job ends, or, at
    /// shutdown, after sending the job's state as it was left (for instance handed back to the
    /// queue).
    pub(super) fn follow(
        self: &Arc<Self>,
        first: Job,
    ) -> impl Stream<Item = Arc<Job>> + Send + 'static {
        let first = Arc::new(first);
        let mut updates = (!first.status.is_terminal()).then(|| self.watch(&first));
        let slot = next_slot();
        async_stream::stream! {
            let mut last = first.clone();
            yield first;
            let Some(updates) = updates.as_mut() else { return };
            // The poller may have read the job before or after this subscriber did: its first
            // state is compared with the subscriber's; later ones are news by construction.
            let mut compare = true;
            while !last.status.is_terminal() {
                let open = updates.changed().await.is_ok();
                let Update { job, spread } = updates.borrow().clone();
                // A job's end and shutdown's last word are not held back.
                if open && !job.status.is_terminal() && !spread.is_zero() {
                    tokio::time::sleep(spread.mul_f64(slot)).await;
                }
                // The latest state, which may have moved on while this one waited.
                let job = updates.borrow_and_update().job.clone();
                if job.version > last.version {
                    if !(compare && job.looks_like(&last)) {
                        yield job.clone();
                    }
                    last = job;
                }
                compare = false;
                if !open {
                    break;
                }
            }
        }
    }

    /// A receiver of `job`'s states from this process's poller of it, started if there is none.
    fn watch(self: &Arc<Self>, job: &Arc<Job>) -> watch::Receiver<Update> {
        let mut pollers = self.pollers.lock().expect("watchers lock");
        let mut updates = match pollers.get(&job.name) {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = watch::channel(Update {
                    job: job.clone(),
                    spread: Duration::ZERO,
                });
                pollers.insert(job.name.clone(), tx.clone());
                let watchers = self.clone();
                tokio::spawn(async move { watchers.poll(tx).await });
                rx
            }
        };
        // The poller's latest state counts as unseen: it may be newer than `job`.
        updates.mark_changed();
        updates
    }

    /// Reads the job's change counter every `watch` interval while anyone here follows it, and
    /// publishes the job when it moved; ends with the job, at shutdown, or with no subscribers.
    async fn poll(self: Arc<Self>, tx: watch::Sender<Update>) {
        let name = tx.borrow().job.name.clone();
        // The change counter last read; what was last published may be older (no news since).
        let mut seen = tx.borrow().job.version;
        loop {
            let spread =
                Duration::from_secs_f64(tx.receiver_count() as f64 / DELIVERIES_PER_SECOND);
            let closing = tokio::select! {
                _ = tokio::time::sleep(self.interval.max(spread)) => false,
                _ = self.closed.cancelled() => true,
                _ = tx.closed() => {
                    // Under the lock: no subscriber can join a poller that is leaving.
                    let mut pollers = self.pollers.lock().expect("watchers lock");
                    if tx.receiver_count() == 0 {
                        pollers.remove(&name);
                        return;
                    }
                    continue;
                }
            };
            let moved = match stored::version(&self.graph, &name).await {
                Ok(Some(v)) => v != seen || closing,
                Ok(None) => true,
                Err(e) => {
                    tracing::debug!(error = %e, "job watch: read failed; trying again");
                    false
                }
            };
            let mut ended = closing;
            if moved {
                match self.get(&name).await {
                    Ok(Some(job)) => {
                        ended |= job.status.is_terminal();
                        seen = job.version;
                        // Lease renewals and identical rewrites are not news.
                        if !job.looks_like(&tx.borrow().job) {
                            let job = Arc::new(job);
                            tx.send_replace(Update { job, spread });
                        }
                    }
                    Ok(None) => ended = true,
                    Err(e) => tracing::debug!(error = %e, "job watch: read failed; trying again"),
                }
            }
            if ended {
                // Dropping the sender (after leaving the map) ends every subscriber's stream
                // once it has seen the last state.
                self.pollers.lock().expect("watchers lock").remove(&name);
                return;
            }
        }
    }

    async fn get(&self, name: &str) -> GraphResult<Option<Job>> {
        let found = stored::by_name(&self.graph, name).await?;
        found.map(Job::try_from).transpose()
    }
}
