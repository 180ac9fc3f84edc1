//! An unreachable database, met once rather than once per statement. After a statement fails
//! as unavailable (no connection, or no answer by its deadline) the next ones fail at once
//! instead of each waiting a whole deadline (a request of two statements was answered after
//! 30 s, twice the documented deadline); one statement a second is let through as a probe, and
//! any statement that succeeds ends the outage. Jobs wait an outage out with [`Graph::waiting_out`].
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Graph, GraphError, GraphResult};

/// How often a statement is let through while the database is unreachable.
const PROBE_EVERY: Duration = Duration::from_secs(1);

#[derive(Default)]
pub(super) struct Outage {
    /// Since when the database is unreachable, and when a statement last went through.
    state: Mutex<Option<(Instant, Instant)>>,
}

impl Outage {
    /// `Err` to fail a statement at once; `Ok(deadline)` to send it, with a shorter deadline
    /// when it is a probe.
    pub(super) fn admit(&self, deadline: Duration, probe: Duration) -> GraphResult<Duration> {
        let mut state = self.state.lock().expect("outage lock");
        match state.as_mut() {
            None => Ok(deadline),
            Some((_, last)) if last.elapsed() >= PROBE_EVERY => {
                *last = Instant::now();
                Ok(probe.min(deadline))
            }
            Some((since, _)) => Err(GraphError::Unavailable(format!(
                "unreachable for {:?}; failing fast until it answers",
                since.elapsed()
            ))),
        }
    }

    pub(super) fn record<T>(&self, result: &GraphResult<T>) {
        let mut state = self.state.lock().expect("outage lock");
        match result {
            Ok(_) => *state = None,
            Err(e) if e.is_unavailable() => {
                let now = Instant::now();
                state.get_or_insert((now, now)).1 = now;
            }
            Err(_) => {}
        }
    }
}

impl Graph {
    /// `work` again while it fails because the database is unreachable, each time once the
    /// database answers again, for up to the configured outage wait; `stop` ends the wait
    /// early. Only for work that is safe to repeat.
    pub async fn waiting_out<T, F, Fut>(
        &self,
        stop: impl Fn() -> bool,
        mut work: F,
    ) -> GraphResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = GraphResult<T>>,
    {
        let started = Instant::now();
        loop {
            match work().await {
                Err(e) if e.is_unavailable() && !stop() => {
                    tracing::warn!(error = %e, "graph database unreachable; waiting for it");
                    metrics::counter!("skillgraph_cypher_retries_total", "reason" => "outage")
                        .increment(1);
                    self.wait_for_answer(started, &stop).await?;
                }
                other => return other,
            }
        }
    }

    /// Pings with backoff until the database answers; `Unavailable` once the outage wait since
    /// `started` has passed (or `stop` says so).
    pub async fn wait_for_answer(
        &self,
        started: Instant,
        stop: &impl Fn() -> bool,
    ) -> GraphResult<()> {
        let mut pause = Duration::from_millis(250);
        loop {
            if stop() {
                return Err(GraphError::Unavailable("stopped waiting".into()));
            }
            if started.elapsed() >= self.outage_wait {
                return Err(GraphError::Unavailable(format!(
                    "unreachable for {:?}, longer than the outage wait",
                    started.elapsed()
                )));
            }
            if self.ping(self.probe).await.is_ok() {
                return Ok(());
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_an_unavailable_answer_statements_fail_fast_but_one_probe_a_second() {
        let o = Outage::default();
        let (deadline, probe) = (Duration::from_secs(15), Duration::from_secs(3));
        assert_eq!(o.admit(deadline, probe).unwrap(), deadline);
        o.record::<()>(&Err(GraphError::Unavailable("refused".into())));
        assert!(o.admit(deadline, probe).is_err(), "fails fast");
        o.record::<()>(&Err(GraphError::Decode("a bad row".into())));
        assert!(
            o.admit(deadline, probe).is_err(),
            "other errors change nothing"
        );
        *o.state.lock().unwrap() = Some((Instant::now(), Instant::now() - PROBE_EVERY));
        assert_eq!(o.admit(deadline, probe).unwrap(), probe, "a probe a second");
        assert!(o.admit(deadline, probe).is_err(), "one probe at a time");
        o.record(&Ok(()));
        assert_eq!(
            o.admit(deadline, probe).unwrap(),
            deadline,
            "over once one answers"
        );
    }
}
