//! Per-caller limits, so one caller cannot starve the others: a rate of query cost (each
//! operation's complexity, per second, subscriptions included), a rate of mutations (per
//! minute), a bounded number of operations in flight at once, and of subscriptions open at once
//! (per caller, and per WebSocket connection). Callers are told how long to wait (`retryAfter`, and
//! `Retry-After` on HTTP).
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::errors::ErrorCode;
use crate::config::Limits;

/// Why a caller's operation was refused by a limit.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Limited {
    #[error("{what} rate limit reached; try again in {} ms", .wait.as_millis())]
    Rate { what: &'static str, wait: Duration },
    #[error("{0} operations of this caller are already running; try again shortly")]
    Busy(usize),
    /// A caller or a connection holds as many subscriptions as it may; it must end one first.
    #[error("this {per} already has {max} subscriptions open; end one before starting another")]
    Subscriptions { per: &'static str, max: usize },
}

impl Limited {
    /// How long the caller should wait before trying again (whole seconds, at least one).
    pub fn retry_after_secs(&self) -> u64 {
        match self {
            Limited::Rate { wait, .. } => wait.as_secs_f64().ceil().max(1.0) as u64,
            Limited::Busy(_) | Limited::Subscriptions { .. } => 1,
        }
    }

    /// The code it is answered with: waiting helps a rate or a busy caller (`retryAfter`),
    /// not one holding all its subscriptions.
    pub fn code(&self) -> ErrorCode {
        match self {
            Limited::Rate { .. } | Limited::Busy(_) => ErrorCode::RateLimited,
            Limited::Subscriptions { .. } => ErrorCode::TooManySubscriptions,
        }
    }
}

/// Keyed by caller name; a caller's state is dropped once it is indistinguishable from new.
type Rate = DefaultKeyedRateLimiter<String>;

pub struct CallerLimits {
    cost: Option<Rate>,
    mutations: Option<Rate>,
    in_flight: usize,
    /// How long an operation waits for one of its caller's slots before it is refused.
    wait: Duration,
    slots: Mutex<HashMap<String, Arc<Semaphore>>>,
    max_subscriptions: usize,
    subscriptions: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Charges since the rate limiters last forgot idle callers.
    charges: AtomicUsize,
}

/// Callers remembered before idle ones are forgotten.
const PRUNE_EVERY: usize = 4096;

impl CallerLimits {
    pub fn new(limits: &Limits) -> Self {
        let per_second = |rate: u32, burst: u32| {
            NonZeroU32::new(rate).map(|r| {
                let burst = NonZeroU32::new(burst.max(rate)).unwrap_or(r);
                Rate::keyed(Quota::per_second(r).allow_burst(burst))
            })
        };
        // A query of the highest complexity allowed must fit in the bucket, or it could never run.
        let cost_burst =
            (limits.max_query_complexity as u32).max(limits.rate_cost_per_second.saturating_mul(5));
        let mutations = NonZeroU32::new(limits.rate_mutations_per_minute).map(|r| {
            let burst = NonZeroU32::new(limits.rate_mutations_per_minute.div_ceil(6)).unwrap_or(r);
            Rate::keyed(Quota::per_minute(r).allow_burst(burst))
        });
        Self {
            cost: per_second(limits.rate_cost_per_second, cost_burst),
            mutations,
            in_flight: limits.max_in_flight_per_caller.max(1),
            wait: Duration::from_millis(limits.request_timeout_ms),
            slots: Mutex::default(),
            max_subscriptions: limits.max_subscriptions_per_caller,
            subscriptions: Mutex::default(),
            charges: AtomicUsize::new(0),
        }
    }

    /// Charges one operation's cost (its complexity) to the caller.
    pub fn charge_cost(&self, caller: &str, cost: usize) -> Result<(), Limited> {
        let n = NonZeroU32::new(cost.clamp(1, u32::MAX as usize) as u32).expect("at least one");
        self.charge(self.cost.as_ref(), "query cost", caller, n)
    }

    /// Charges one mutation (a job started or cancelled) to the caller.
    pub fn charge_mutation(&self, caller: &str) -> Result<(), Limited> {
        self.charge(self.mutations.as_ref(), "mutation", caller, NonZeroU32::MIN)
    }

    fn charge(
        &self,
        rate: Option<&Rate>,
        what: &'static str,
        caller: &str,
        n: NonZeroU32,
    ) -> Result<(), Limited> {
        let Some(rate) = rate else { return Ok(()) };
        if self.charges.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.forget_idle();
        }
        let refused = |wait| Err(Limited::Rate { what, wait });
        match rate.check_key_n(&caller.to_string(), n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => refused(not_until.wait_time_from(DefaultClock::default().now())),
            // More than the whole bucket: never possible for this caller as configured.
            Err(_) => refused(Duration::from_secs(60)),
        }
    }

    /// One of the caller's slots, waited for up to the request deadline.
    pub async fn enter(&self, caller: &str) -> Result<OwnedSemaphorePermit, Limited> {
        let slots = semaphore(&self.slots, caller, self.in_flight);
        match tokio::time::timeout(self.wait, slots.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Limited::Busy(self.in_flight)),
        }
    }

    /// One of the caller's subscriptions, held as long as the subscription runs; refused at
    /// once when all are taken (a subscription is not a request that could wait its turn).
    pub fn subscribe(&self, caller: &str) -> Result<OwnedSemaphorePermit, Limited> {
        semaphore(&self.subscriptions, caller, self.max_subscriptions)
            .try_acquire_owned()
            .map_err(|_| Limited::Subscriptions {
                per: "caller",
                max: self.max_subscriptions,
            })
    }

    fn forget_idle(&self) {
        for rate in [&self.cost, &self.mutations].into_iter().flatten() {
            rate.retain_recent();
            rate.shrink_to_fit();
        }
    }
}

/// The caller's semaphore of `size` permits in `map`, made on first use; semaphores no one holds
/// are dropped once the map grows large.
fn semaphore(
    map: &Mutex<HashMap<String, Arc<Semaphore>>>,
    caller: &str,
    size: usize,
) -> Arc<Semaphore> {
    let mut all = map.lock().expect("semaphore map lock");
    if all.len() >= PRUNE_EVERY {
        all.retain(|_, s| Arc::strong_count(s) > 1);
    }
    all.entry(caller.to_string())
        .or_insert_with(|| Arc::new(Semaphore::new(size)))
        .clone()
}

/// The subscriptions one WebSocket connection may still start.
#[derive(Clone)]
pub struct ConnectionSubscriptions {
    open: Arc<Semaphore>,
    max: usize,
}

impl ConnectionSubscriptions {
    pub fn new(max: usize) -> Self {
        Self {
            open: Arc::new(Semaphore::new(max)),
            max,
        }
    }

    /// One of the connection's subscriptions, held as long as it runs.
    pub fn take(&self) -> Result<OwnedSemaphorePermit, Limited> {
        self.open
            .clone()
            .try_acquire_owned()
            .map_err(|_| Limited::Subscriptions {
                per: "connection",
                max: self.max,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn limits(cost: u32, mutations: u32, in_flight: usize) -> CallerLimits {
        let mut l = Config::from_env_and_defaults().limits;
        l.rate_cost_per_second = cost;
        l.rate_mutations_per_minute = mutations;
        l.max_in_flight_per_caller = in_flight;
        l.max_query_complexity = 100;
        l.request_timeout_ms = 50;
        CallerLimits::new(&l)
    }

    #[test]
    fn cost_is_charged_per_caller_until_the_bucket_is_empty() {
        let l = limits(10, 0, 1);
        // The bucket holds the largest query allowed (100) and refills at 10 a second.
        assert_eq!(l.charge_cost("a", 60), Ok(()));
        assert_eq!(l.charge_cost("a", 40), Ok(()));
        let refused = l.charge_cost("a", 20).unwrap_err();
        assert!(
            matches!(refused, Limited::Rate { wait, .. } if wait > Duration::from_millis(1500)),
            "{refused:?}"
        );
        assert_eq!(refused.retry_after_secs(), 2);
        assert_eq!(
            l.charge_cost("b", 100),
            Ok(()),
            "another caller is not affected"
        );
    }

    #[test]
    fn mutations_are_limited_and_zero_turns_a_limit_off() {
        let l = limits(0, 6, 1);
        assert_eq!(l.charge_mutation("a"), Ok(()));
        assert!(matches!(l.charge_mutation("a"), Err(Limited::Rate { .. })));
        assert_eq!(l.charge_cost("a", u32::MAX as usize + 5), Ok(()));
    }

    #[tokio::test]
    async fn a_caller_waits_for_its_own_slots_only() {
        let l = limits(0, 0, 2);
        let _one = l.enter("a").await.unwrap();
        let two = l.enter("a").await.unwrap();
        assert_eq!(l.enter("a").await.unwrap_err(), Limited::Busy(2));
        assert!(l.enter("b").await.is_ok());
        drop(two);
        assert!(
            l.enter("a").await.is_ok(),
            "a slot given back is free again"
        );
    }

    #[test]
    fn subscriptions_are_capped_per_caller_and_per_connection() {
        let mut l = Config::from_env_and_defaults().limits;
        l.max_subscriptions_per_caller = 2;
        let l = CallerLimits::new(&l);
        let held = [l.subscribe("a").unwrap(), l.subscribe("a").unwrap()];
        let refused = l.subscribe("a").unwrap_err();
        assert_eq!(
            refused,
            Limited::Subscriptions {
                per: "caller",
                max: 2
            }
        );
        assert!(l.subscribe("b").is_ok());
        drop(held);
        assert!(
            l.subscribe("a").is_ok(),
            "an ended subscription frees its place"
        );
        let conn = ConnectionSubscriptions::new(1);
        let one = conn.take().unwrap();
        assert!(conn.take().is_err());
        drop(one);
        assert!(conn.take().is_ok());
    }
}
