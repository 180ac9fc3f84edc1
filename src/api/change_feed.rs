//! Every change to the skill graph, live, on every replica, each exactly once and in the order
//! it was committed. Writers number their changes under the change log's lock
//! (`cypher/change_log_lock.cypher`), so the committed numbers have no gaps behind them. While
//! anyone listens, one poller per process reads the changes after the last number it has, until
//! it has them all, each `watch` interval, and hands each to every `graphChanges` subscriber of
//! this process through one broadcast channel: a thousand subscribers cost the database what
//! one does. A subscriber that resumes after a change it had reads the changes since from the
//! database first, then joins the broadcast. It reads the `(:Change)` nodes, so a subscriber on
//! replica B sees a curation made on A.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::graph::{curation, Graph, GraphError};
use crate::model::SkillChange;

/// Changes one read returns at most (an import writes thousands a second); the poller reads
/// again at once while reads come back full.
const PER_READ: i64 = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(
        "this subscription fell more than {buffer} changes behind and missed {missed}; \
         subscribe again with graphChanges(after: \"{resume_after}\") to receive them"
    )]
    Lagged {
        buffer: usize,
        missed: u64,
        /// The last change it received (or the one it started after).
        resume_after: String,
    },
    #[error(
        "there is no change {0} to resume after (or it was recorded before changes were numbered)"
    )]
    UnknownChange(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

pub struct ChangeFeed {
    graph: Graph,
    interval: Duration,
    buffer: usize,
    sender: broadcast::Sender<Arc<SkillChange>>,
    /// Whether the poller runs (it ends when the last subscriber has gone).
    polling: Mutex<bool>,
    /// The number of the last change broadcast.
    broadcast: AtomicI64,
}

/// Where a subscriber is: the number and id of the last change it has.
struct Cursor {
    seq: i64,
    id: String,
}

impl ChangeFeed {
    pub fn new(graph: Graph, interval: Duration, buffer: usize) -> Arc<Self> {
        Arc::new(Self {
            graph,
            interval,
            buffer: buffer.max(1),
            sender: broadcast::channel(buffer.max(1)).0,
            polling: Mutex::new(false),
            broadcast: AtomicI64::new(0),
        })
    }

    /// The number of the last change this process's poller has handed to its subscribers.
    pub fn broadcast_position(&self) -> i64 {
        self.broadcast.load(Ordering::SeqCst)
    }

    /// Every change committed after change `after` (an id), or from now on: in order, each
    /// once. A subscriber that falls more than the buffer behind gets [`FeedError::Lagged`],
    /// then the stream ends.
    pub async fn subscribe(
        self: &Arc<Self>,
        after: Option<&str>,
    ) -> Result<impl Stream<Item = Result<Arc<SkillChange>, FeedError>> + use<>, FeedError> {
        // Joined before the position is read: nothing committed after it is missed.
        let rx = self.sender.subscribe();
        let (seq, id) = curation::change_log_position(&self.graph).await?;
        self.start_polling(seq);
        let start = match after {
            Some(id) => Cursor {
                seq: curation::change_position(&self.graph, id)
                    .await?
                    .ok_or_else(|| FeedError::UnknownChange(id.to_string()))?,
                id: id.to_string(),
            },
            None => Cursor {
                seq,
                id: id.unwrap_or_default(),
            },
        };
        let state = Subscriber {
            feed: self.clone(),
            rx,
            at: start,
            backlog: std::collections::VecDeque::new(),
            peeked: None,
            catching_up: after.is_some(),
            done: false,
        };
        Ok(futures::stream::unfold(state, |mut s| async move {
            let item = s.next().await?;
            Some((item, s))
        }))
    }

    /// Starts the poller, if it is not running, after change number `at`.
    fn start_polling(self: &Arc<Self>, at: i64) {
        let mut polling = self.polling.lock().unwrap_or_else(|e| e.into_inner());
        if !*polling {
            *polling = true;
            tokio::spawn(self.clone().poll(at));
        }
    }

    /// Reads and broadcasts every change committed after number `at`, until no one listens.
    async fn poll(self: Arc<Self>, mut at: i64) {
        loop {
            tokio::time::sleep(self.interval).await;
            if self.sender.receiver_count() == 0 {
                let mut polling = self.polling.lock().unwrap_or_else(|e| e.into_inner());
                // Checked again under the lock: a subscriber that came meanwhile keeps it going.
                if self.sender.receiver_count() == 0 {
                    *polling = false;
                    return;
                }
            }
            loop {
                let changes = match curation::changes_after(&self.graph, at, PER_READ).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading graph changes failed; reading again");
                        break;
                    }
                };
                let full = changes.len() as i64 == PER_READ;
                for change in changes {
                    at = change.seq.unwrap_or(at);
                    // No receiver left is not an error: the next round ends the poller.
                    let _ = self.sender.send(Arc::new(change));
                    self.broadcast.store(at, Ordering::SeqCst);
                }
                if !full {
                    break;
                }
            }
        }
    }
}

/// One subscriber's stream: the changes after its cursor, from the database while it catches
/// up, then from the broadcast; a gap in what the broadcast brings is filled from the database.
struct Subscriber {
    feed: Arc<ChangeFeed>,
    rx: broadcast::Receiver<Arc<SkillChange>>,
    at: Cursor,
    backlog: std::collections::VecDeque<Arc<SkillChange>>,
    /// A broadcast change taken while checking the receiver, not handled yet.
    peeked: Option<Arc<SkillChange>>,
    catching_up: bool,
    done: bool,
}

impl Subscriber {
    async fn next(&mut self) -> Option<Result<Arc<SkillChange>, FeedError>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(change) = self.backlog.pop_front() {
                return Some(Ok(self.deliver(change)));
            }
            if self.catching_up {
                if let Err(e) = self.read_backlog().await {
                    self.done = true;
                    return Some(Err(e));
                }
                continue;
            }
            let received = match self.peeked.take() {
                Some(change) => Ok(change),
                None => self.rx.recv().await,
            };
            match received {
                Ok(change) => match change.seq {
                    Some(seq) if seq <= self.at.seq => {} // had it from the database
                    Some(seq) if seq == self.at.seq + 1 => return Some(Ok(self.deliver(change))),
                    // A gap (changes committed before the poller's first read, or the broadcast
                    // joined anew): the database has them.
                    _ => self.catching_up = true,
                },
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a graphChanges subscriber fell behind; ending it");
                    self.done = true;
                    return Some(Err(FeedError::Lagged {
                        buffer: self.feed.buffer,
                        missed,
                        resume_after: self.at.id.clone(),
                    }));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    fn deliver(&mut self, change: Arc<SkillChange>) -> Arc<SkillChange> {
        if let Some(seq) = change.seq {
            self.at = Cursor {
                seq,
                id: change.id.to_string(),
            };
        }
        change
    }

    /// The next changes after the cursor, from the database; caught up when a read comes back
    /// short. Reading is not falling behind: a broadcast that overflowed meanwhile is joined
    /// afresh (and read once more, for what was sent before joining).
    async fn read_backlog(&mut self) -> Result<(), FeedError> {
        let after = self
            .backlog
            .back()
            .and_then(|c| c.seq)
            .unwrap_or(self.at.seq);
        let changes = curation::changes_after(&self.feed.graph, after, PER_READ).await?;
        if (changes.len() as i64) < PER_READ {
            match self.rx.try_recv() {
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    self.rx = self.rx.resubscribe();
                }
                Ok(change) => {
                    self.peeked = Some(change);
                    self.catching_up = false;
                }
                Err(_) => self.catching_up = false,
            }
        }
        self.backlog.extend(changes.into_iter().map(Arc::new));
        Ok(())
    }
}
