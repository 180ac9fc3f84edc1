//! An unreachable database, met once rather than once per statement. After a statement fails
//! as unavailable (no connection, or no answer by its deadline) the next ones fail at once
//! instead of each waiting a whole deadline (a request of two statements was answered after
//! 30 s, twice the documented deadline); one statement a second is let through as a probe, and
//! any statement that succeeds ends the outage. Jobs wait an outage out with
//! `Graph::waiting_out`.
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::{GraphError, GraphResult};

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
