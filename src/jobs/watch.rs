//! Following a job live, wherever it runs: every subscriber polls the job's change counter on
//! the node (one indexed read each `watch` interval) and reads the job only when it moved. So a
//! subscriber on replica B sees a job replica A runs, and a restart of either loses nothing.
use std::sync::Arc;

use futures::Stream;

use super::model::Job;
use super::Jobs;
use crate::graph::jobs as stored;

impl Jobs {
    /// `first`, then the job again on every visible change; ends when the job ends, or, at
    /// shutdown, after sending the job's state as it was left (for instance handed back to the
    /// queue).
    pub fn follow(self: &Arc<Self>, first: Job) -> impl Stream<Item = Job> + Send + 'static {
        let jobs = self.clone();
        async_stream::stream! {
            let mut last = first.clone();
            yield first;
            while !last.status.is_terminal() {
                let closing = tokio::select! {
                    _ = tokio::time::sleep(jobs.timings.watch) => false,
                    _ = jobs.closed.cancelled() => true,
                };
                let moved = match stored::version(&jobs.graph, &last.name).await {
                    Ok(Some(v)) => v != last.version || closing,
                    Ok(None) => break,
                    Err(e) => {
                        tracing::debug!(error = %e, "job watch: read failed; trying again");
                        false
                    }
                };
                if moved {
                    if let Ok(Some(job)) = jobs.get(&last.name).await {
                        // Lease renewals and identical rewrites are not news.
                        if !job.looks_like(&last) {
                            yield job.clone();
                        }
                        last = job;
                    }
                }
                if closing {
                    break;
                }
            }
        }
    }
}
