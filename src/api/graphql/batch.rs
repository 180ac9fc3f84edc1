//! Batching of nested fields without a timer. A key asked for while a request is polled joins
//! its loader's open batch; once the request can make no more progress on its own (its poll
//! returned `Pending` and nothing woke it meanwhile), every batch it opened is closed and then
//! run, each as one statement, in the request's own task.
//!
//! async-graphql's `DataLoader` closes a batch on a timer instead: at least until the runtime's
//! next millisecond tick, then spawned. That cost a page 3 to 7 ms and most of its CPU in
//! parking and waking. Closing on quiescence cannot split a level either: every sibling's key
//! is in before the request goes idle, however the executor groups its futures.
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use futures::channel::oneshot;
use futures::future::{BoxFuture, FutureExt, Shared};
use futures::task::{waker_ref, ArcWake, AtomicWaker};
use futures::Stream;

/// What a fetch answers: each key's value, keyed by the key.
pub type Fetched<V, E> = BoxFuture<'static, Result<HashMap<String, V>, E>>;

/// What one batch runs: the values of many keys at once.
pub trait Fetch: Send + Sync + 'static {
    type Value: Clone + Default + Send + Sync + 'static;
    type Error: Clone + Send + Sync + 'static;

    /// The values of `keys` (sorted, distinct); a key without one is left out.
    fn fetch(&self, keys: Vec<String>) -> Fetched<Self::Value, Self::Error>;
}

/// The batches of one request (or one WebSocket connection): made with the request's loaders,
/// then wrapped around the future (or stream) that runs it, with [`Scope::run`].
pub struct Scope(Arc<Registry>);

impl Default for Scope {
    fn default() -> Self {
        Self(Arc::new(Registry::default()))
    }
}

impl Scope {
    /// A loader whose batches this scope closes.
    pub fn batcher<F: Fetch>(&self, fetch: F) -> Batcher<F> {
        Batcher(Arc::new(Slot {
            fetch: Arc::new(fetch),
            scope: Arc::downgrade(&self.0),
            open: Mutex::new(None),
        }))
    }

    /// `inner`, closing the batches its loaders open each time it goes idle.
    pub fn run<T>(self, inner: T) -> Scoped<T> {
        Scoped {
            inner,
            registry: self.0,
            wake: Arc::new(Wake::default()),
        }
    }
}

/// The slots with an open batch, in the order they opened one.
#[derive(Default)]
struct Registry {
    opened: Mutex<Vec<Arc<dyn Close>>>,
}

impl Registry {
    fn close_all(&self) {
        let opened = std::mem::take(&mut *self.opened.lock().expect("not poisoned"));
        for slot in opened {
            slot.close();
        }
    }
}

trait Close: Send + Sync {
    fn close(&self);
}

/// One loader of a request: keys asked for meanwhile share one run of its `Fetch`.
pub struct Batcher<F: Fetch>(Arc<Slot<F>>);

type Outcome<F> = Arc<Result<HashMap<String, <F as Fetch>::Value>, <F as Fetch>::Error>>;

struct Slot<F: Fetch> {
    fetch: Arc<F>,
    scope: Weak<Registry>,
    open: Mutex<Option<Open<F>>>,
}

struct Open<F: Fetch> {
    keys: Vec<String>,
    close: oneshot::Sender<Vec<String>>,
    done: Shared<BoxFuture<'static, Outcome<F>>>,
}

impl<F: Fetch> Batcher<F> {
    /// The value of `key` (the default where the batch has none).
    pub async fn load(&self, key: &str) -> Result<F::Value, F::Error> {
        let done = self.0.join(key);
        match &*done.await {
            Ok(found) => Ok(found.get(key).cloned().unwrap_or_default()),
            Err(e) => Err(e.clone()),
        }
    }
}

impl<F: Fetch> Slot<F> {
    /// The batch `key` joined: the open one, or a new one.
    fn join(self: &Arc<Self>, key: &str) -> Shared<BoxFuture<'static, Outcome<F>>> {
        let mut open = self.open.lock().expect("not poisoned");
        if let Some(batch) = open.as_mut() {
            batch.keys.push(key.to_string());
            return batch.done.clone();
        }
        let (close, closed) = oneshot::channel::<Vec<String>>();
        let fetch = self.fetch.clone();
        let done = async move {
            // The sender goes only with the request itself, and with it every waiter.
            let keys = closed.await.unwrap_or_default();
            Arc::new(fetch.fetch(keys).await)
        }
        .boxed()
        .shared();
        let batch = Open {
            keys: vec![key.to_string()],
            close,
            done: done.clone(),
        };
        match self.scope.upgrade() {
            Some(registry) => {
                *open = Some(batch);
                let slot: Arc<dyn Close> = self.clone();
                registry.opened.lock().expect("not poisoned").push(slot);
            }
            // Outside a running scope, nothing would close a batch: each key is its own.
            None => batch.run(),
        }
        done
    }
}

impl<F: Fetch> Open<F> {
    fn run(self) {
        let mut keys = self.keys;
        keys.sort_unstable();
        keys.dedup();
        let _ = self.close.send(keys);
    }
}

impl<F: Fetch> Close for Slot<F> {
    fn close(&self) {
        let batch = self.open.lock().expect("not poisoned").take();
        if let Some(batch) = batch {
            batch.run();
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's future (or stream) with its batches closed whenever it goes idle.
    pub struct Scoped<T> {
        #[pin]
        inner: T,
        registry: Arc<Registry>,
        wake: Arc<Wake>,
    }
}

/// The waker the inner future sees: it records a wake (so that an idle poll can be told from
/// one that will be polled again) and passes it on, except while batches are being closed.
#[derive(Default)]
struct Wake {
    woken: AtomicBool,
    held: AtomicBool,
    task: AtomicWaker,
}

impl ArcWake for Wake {
    fn wake_by_ref(wake: &Arc<Self>) {
        wake.woken.store(true, SeqCst);
        if !wake.held.load(SeqCst) {
            wake.task.wake();
        }
    }
}

/// Closing batches and polling again at once, at most this many times in one poll (then the
/// task yields to others, woken).
const ROUNDS: usize = 16;

fn drive<R>(
    registry: &Registry,
    wake: &Arc<Wake>,
    cx: &mut Context<'_>,
    mut poll: impl FnMut(&mut Context<'_>) -> Poll<R>,
) -> Poll<R> {
    wake.task.register(cx.waker());
    let waker = waker_ref(wake);
    let mut inner = Context::from_waker(&waker);
    for _ in 0..ROUNDS {
        wake.woken.store(false, SeqCst);
        if let Poll::Ready(out) = poll(&mut inner) {
            return Poll::Ready(out);
        }
        if wake.woken.load(SeqCst) {
            // Woken meanwhile (and passed on): more can happen before the batches close.
            return Poll::Pending;
        }
        // Idle. Closing wakes the batches' waiters here, in this thread: poll them now rather
        // than after a round through the scheduler.
        wake.held.store(true, SeqCst);
        registry.close_all();
        wake.held.store(false, SeqCst);
        if !wake.woken.load(SeqCst) {
            // Nothing was open (or nothing waited on it): what remains waits on the database.
            return Poll::Pending;
        }
    }
    cx.waker().wake_by_ref();
    Poll::Pending
}

impl<T: Future> Future for Scoped<T> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        let mut this = self.project();
        drive(this.registry, this.wake, cx, |cx| {
            this.inner.as_mut().poll(cx)
        })
    }
}

impl<T: Stream> Stream for Scoped<T> {
    type Item = T::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T::Item>> {
        let mut this = self.project();
        drive(this.registry, this.wake, cx, |cx| {
            this.inner.as_mut().poll_next(cx)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Each key's value is itself; every run is counted with the keys it had.
    #[derive(Clone, Default)]
    struct Echo(Arc<Mutex<Vec<Vec<String>>>>);

    impl Fetch for Echo {
        type Value = String;
        type Error = String;
        fn fetch(&self, keys: Vec<String>) -> Fetched<String, String> {
            self.0.lock().unwrap().push(keys.clone());
            async move {
                // Answered later, from another task: as a database would.
                tokio::task::yield_now().await;
                Ok(keys.into_iter().map(|k| (k.clone(), k)).collect())
            }
            .boxed()
        }
    }

    /// A level of `n` siblings, each loading its key and then its key's child (`k/c`): two
    /// levels, whatever the executor does between polls.
    async fn two_levels(loader: &Batcher<Echo>, n: usize) -> Vec<String> {
        let siblings = (0..n).map(|i| async move {
            // Each sibling wakes itself once first, as a resource out of budget does.
            tokio::task::yield_now().await;
            let parent = loader.load(&format!("k{i}")).await.unwrap();
            loader.load(&format!("{parent}/c")).await.unwrap()
        });
        futures::future::join_all(siblings).await
    }

    #[tokio::test]
    async fn siblings_share_one_run_per_level_however_many_they_are() {
        // Past 30 siblings join_all holds them in a FuturesOrdered, which returns (woken) once
        // two of them woke themselves: a batch closed whenever the request returns would split
        // there.
        for n in [3, 40, 300] {
            let echo = Echo::default();
            let scope = Scope::default();
            let loader = scope.batcher(echo.clone());
            let got = scope.run(two_levels(&loader, n)).await;
            assert_eq!(got.len(), n);
            assert_eq!(got[n - 1], format!("k{}/c", n - 1));
            let runs = echo.0.lock().unwrap().clone();
            assert_eq!(
                runs.len(),
                2,
                "{n} siblings: {:?}",
                runs.iter().map(Vec::len).collect::<Vec<_>>()
            );
            assert_eq!(runs[0].len(), n);
        }
    }

    #[tokio::test]
    async fn a_key_asked_for_twice_is_fetched_once() {
        let echo = Echo::default();
        let scope = Scope::default();
        let loader = scope.batcher(echo.clone());
        let both = futures::future::join(loader.load("a"), loader.load("a"));
        let (x, y) = scope.run(both).await;
        assert_eq!((x.unwrap(), y.unwrap()), ("a".to_string(), "a".to_string()));
        assert_eq!(*echo.0.lock().unwrap(), vec![vec!["a".to_string()]]);
    }

    #[tokio::test]
    async fn outside_a_running_scope_each_key_is_answered_alone() {
        let echo = Echo::default();
        let loader = Scope::default().batcher(echo.clone());
        let got = futures::future::join(loader.load("a"), loader.load("b")).await;
        assert_eq!((got.0.unwrap(), got.1.unwrap()), ("a".into(), "b".into()));
        assert_eq!(echo.0.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_scope_that_never_loads_is_polled_like_its_future() {
        let polls = Arc::new(AtomicUsize::new(0));
        let counted = polls.clone();
        let inner = futures::future::poll_fn(move |cx| {
            if counted.fetch_add(1, SeqCst) == 3 {
                return Poll::Ready(7);
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        });
        assert_eq!(Scope::default().run(inner).await, 7);
        assert_eq!(polls.load(SeqCst), 4);
    }
}
