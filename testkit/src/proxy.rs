//! A TCP proxy the test controls, between the service and a server: paused, it holds every
//! byte in both directions (like a network that drops packets); resumed, traffic flows again.
//! It keeps what clients sent, so a test can see what went over the wire. It can also hold each
//! answer for a while (a slow server).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub addr: SocketAddr,
    paused: watch::Sender<bool>,
    sent: Arc<Mutex<Vec<u8>>>,
    /// Milliseconds each chunk from the server is held before it is passed on.
    latency: Arc<AtomicU64>,
    /// Held while a test can take its database away (see [`Proxy::to_database`]).
    _outages: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// One test at a time may take a database away. The tests share one process, and an outage
/// moves process-wide counters (`skillgraph_cypher_retries_total{reason="unavailable"}`,
/// `skillgraph_jobs_waiting_for_database_total`) that such a test waits on: another test's
/// outage must not look like its own.
fn outages() -> Arc<tokio::sync::Mutex<()>> {
    static OUTAGES: OnceLock<Arc<tokio::sync::Mutex<()>>> = OnceLock::new();
    OUTAGES.get_or_init(Arc::default).clone()
}

impl Proxy {
    /// A proxy in front of the Bolt port that serves `database`; returns once no other test
    /// holds one (see [`outages`]).
    pub async fn to_database(database: &str) -> Self {
        let turn = outages().lock_owned().await;
        let target = super::bolt_uri(database);
        let mut proxy = Self::start(target.trim_start_matches("bolt://").parse().unwrap()).await;
        proxy._outages = Some(turn);
        proxy
    }

    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (paused, _) = watch::channel(false);
        let gate = paused.clone();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = sent.clone();
        let latency = Arc::new(AtomicU64::new(0));
        let delay = latency.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let gate = gate.subscribe();
                let record = record.clone();
                let delay = delay.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(
                        pipe(cr, sw, gate.clone(), Some(record), None),
                        pipe(sr, cw, gate, None, Some(delay))
                    );
                });
            }
        });
        Self {
            addr,
            paused,
            sent,
            latency,
            _outages: None,
        }
    }

    /// Everything clients have sent through the proxy so far.
    pub fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }

    pub fn pause(&self) {
        self.paused.send_replace(true);
    }

    pub fn resume(&self) {
        self.paused.send_replace(false);
    }

    /// Holds every later chunk the server sends for `latency` before passing it on.
    pub fn slow_down(&self, latency: Duration) {
        self.latency
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut paused: watch::Receiver<bool>,
    record: Option<Arc<Mutex<Vec<u8>>>>,
    latency: Option<Arc<AtomicU64>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if paused.wait_for(|p| !*p).await.is_err() {
            return;
        }
        // Only when asked: even a zero sleep waits for the timer's next tick.
        match latency.as_ref().map(|l| l.load(Ordering::Relaxed)) {
            Some(ms) if ms > 0 => tokio::time::sleep(Duration::from_millis(ms)).await,
            _ => {}
        }
        if let Some(r) = &record {
            r.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
