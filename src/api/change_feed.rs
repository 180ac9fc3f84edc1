//! Every change to the skill graph, live, on every replica. While anyone listens, one poller
//! per process reads the changes recorded since its last read (a range of the `change_at` index
//! each `watch` interval) and hands each to every `graphChanges` subscriber of this process
//! through one broadcast channel: a thousand subscribers cost the database what one does.
//! It reads the `(:Change)` nodes, so a subscriber on replica B sees a curation made on A.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::graph::{curation, Graph};
use crate::model::SkillChange;

/// How far before the newest change seen each read reaches: replicas stamp changes with their
/// own clocks, and a write may commit after a later-stamped one. Changes are told apart by id.
const OVERLAP: chrono::TimeDelta = chrono::TimeDelta::seconds(2);
/// Changes one read returns at most (an import writes thousands a second); the rest come with
/// the next read.
const PER_READ: i64 = 2_000;
/// Changes a subscriber may fall behind by before it misses the oldest.
const BUFFER: usize = 8_192;

pub struct ChangeFeed {
    graph: Graph,
    interval: Duration,
    sender: broadcast::Sender<Arc<SkillChange>>,
    /// Whether the poller runs (it ends when the last subscriber has gone).
    polling: Mutex<bool>,
}

impl ChangeFeed {
    pub fn new(graph: Graph, interval: Duration) -> Arc<Self> {
        Arc::new(Self {
            graph,
            interval,
            sender: broadcast::channel(BUFFER).0,
            polling: Mutex::new(false),
        })
    }

    /// Every change this process reads from now on. A subscriber that falls more than
    /// [`BUFFER`] changes behind skips the oldest.
    pub fn subscribe(self: &Arc<Self>) -> impl Stream<Item = Arc<SkillChange>> + use<> {
        let rx = self.sender.subscribe();
        let mut polling = self.polling.lock().unwrap_or_else(|e| e.into_inner());
        if !*polling {
            *polling = true;
            tokio::spawn(self.clone().poll(Utc::now()));
        }
        futures::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(change) => return Some((change, rx)),
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(skipped = n, "a graphChanges subscriber fell behind");
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        })
    }

    /// Reads and broadcasts the changes stamped from `start` on, until no one listens.
    async fn poll(self: Arc<Self>, start: DateTime<Utc>) {
        let mut newest = start;
        let mut seen: HashMap<String, DateTime<Utc>> = HashMap::new();
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
            let since = (newest - OVERLAP).to_rfc3339_opts(SecondsFormat::Millis, true);
            let changes = match curation::changes_since(&self.graph, &since, PER_READ).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "reading graph changes failed; reading again");
                    continue;
                }
            };
            for change in changes {
                let Ok(at) = DateTime::parse_from_rfc3339(&change.at) else {
                    continue;
                };
                let at = at.with_timezone(&Utc);
                newest = newest.max(at);
                if at >= start && seen.insert(change.id.to_string(), at).is_none() {
                    // No receiver left is not an error: the next round ends the poller.
                    let _ = self.sender.send(Arc::new(change));
                }
            }
            let horizon = newest - OVERLAP;
            seen.retain(|_, at| *at >= horizon);
        }
    }
}
