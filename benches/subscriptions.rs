//! Subscription fan-out benchmark, in one run: one import job running (frameworks served
//! slowly, so its progress changes several times a second), followed by 0 (idle), 100, 1,000 and
//! 10,000 `jobUpdates` subscribers over WebSocket connections of 100 subscriptions each. For each
//! count it prints the service's database statements per second, its CPU (share of one core,
//! from `/proc`), its resident memory, the updates delivered per second, and the p50/p99 of a
//! normal nested query sent meanwhile, with the ratio of that p99 to idle. The service runs as
//! its own process with the subscription caps raised to 20,000 per caller and the cost rate off
//! (this measures fan-out, not the limits). Needs `scripts/test-env`; run with
//! `cargo bench --bench subscriptions`.
extern crate skillgraph_testkit as common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::process::Service;
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const PER_CONNECTION: usize = 100;
const WINDOW: Duration = Duration::from_secs(8);
const QUERY: &str = "{ skills(limit: 10) { name parentNodes { name } childNodes { name } } }";

/// Statements sent so far, from `/metrics`.
async fn statements(service: &Service) -> f64 {
    let text = reqwest::get(service.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    common::metric(&text, "skillgraph_cypher_statements_total").unwrap()
}

/// CPU seconds (user + system) the process has used.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib / 1024
}

/// Opens `count` subscriptions to `job` on connections of `PER_CONNECTION`; every message
/// received is counted in `received`. Returns once each has had its first update.
async fn subscribe(
    addr: std::net::SocketAddr,
    job: &str,
    count: usize,
    received: Arc<AtomicU64>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let query = format!("subscription {{ jobUpdates(jobName: {job:?}) {{ status progress {{ frameworksDone competenciesDone }} }} }}");
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = vec![];
    for c in 0..count.div_ceil(PER_CONNECTION) {
        let n = PER_CONNECTION.min(count - c * PER_CONNECTION);
        let (query, received, ready) = (query.clone(), received.clone(), ready_tx.clone());
        tasks.push(tokio::spawn(async move {
            let mut req = format!("ws://{addr}/graphql").into_client_request().unwrap();
            req.headers_mut()
                .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
            let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
            let text = |v: serde_json::Value| Message::Text(v.to_string().into());
            ws.send(text(json!({"type": "connection_init", "payload": {}})))
                .await
                .unwrap();
            let mut firsts = std::collections::HashSet::new();
            while let Some(Ok(msg)) = ws.next().await {
                let Message::Text(t) = msg else { continue };
                if t.contains("connection_ack") {
                    for i in 0..n {
                        let sub = json!({"id": i.to_string(), "type": "subscribe", "payload": {"query": query}});
                        ws.send(text(sub)).await.unwrap();
                    }
                } else if t.contains("\"ping\"") {
                    ws.send(text(json!({"type": "pong"}))).await.unwrap();
                } else if t.contains("\"next\"") {
                    received.fetch_add(1, Ordering::Relaxed);
                    // Once every subscription has answered, messages are counted, not read.
                    if firsts.len() < n {
                        assert!(!t.contains("errors"), "{t}");
                        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                        firsts.insert(v["id"].as_str().unwrap().to_string());
                        if firsts.len() == n {
                            let _ = ready.send(());
                        }
                    }
                }
            }
        }));
    }
    for _ in 0..count.div_ceil(PER_CONNECTION) {
        tokio::time::timeout(Duration::from_secs(120), ready_rx.recv())
            .await
            .expect("every subscription has its first update");
    }
    tasks
}

struct Figures {
    statements_per_sec: f64,
    cpu_share: f64,
    rss_mib: u64,
    updates_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// One `WINDOW` with the subscribers in place: the service's rates, and a query's latencies.
async fn window(service: &Service, received: &AtomicU64) -> Figures {
    let pid = service.child.id();
    let http = reqwest::Client::new();
    let (s0, c0, r0, t0) = (
        statements(service).await,
        cpu_secs(pid),
        received.load(Ordering::Relaxed),
        Instant::now(),
    );
    let mut latencies = vec![];
    while t0.elapsed() < WINDOW {
        let t = Instant::now();
        let resp = http
            .post(service.url("/graphql"))
            .json(&json!({"query": QUERY}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success());
        let _ = resp.bytes().await.unwrap();
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = t0.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    Figures {
        statements_per_sec: (statements(service).await - s0) / secs,
        cpu_share: (cpu_secs(pid) - c0) / secs,
        rss_mib: rss_mib(pid),
        updates_per_sec: (received.load(Ordering::Relaxed) - r0) as f64 / secs,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
    }
}

#[tokio::main]
async fn main() {
    let (_, reg) = common::ce_server::start(0).await;
    // 100 frameworks of 20 competencies, each document served after 300 ms: a job of about
    // half a minute whose progress moves several times a second.
    reg.generate(20, Duration::from_millis(300));
    let db = common::fresh_database().await;
    let service = Service::start(
        &db,
        &[
            ("SKILLGRAPH_MAX_SUBSCRIPTIONS_PER_CALLER", "20000"),
            ("SKILLGRAPH_RATE_COST_PER_SECOND", "0"),
            ("SKILLGRAPH_JOB_WATCH_MS", "250"),
        ],
    )
    .await;
    // Something for the nested query to read.
    let warm = service
        .data(
            common::IMPORT,
            json!({"u": (0..20).map(|k| reg.gen_uri(k)).collect::<Vec<_>>()}),
        )
        .await;
    let warm = warm["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    service
        .wait_for(&warm, "finished", Duration::from_secs(300), |j| {
            j["finished"] == true
        })
        .await;
    println!("one running import; a nested query every 20 ms; {WINDOW:?} per row");
    println!(
        "{:>12} {:>14} {:>10} {:>8} {:>12} {:>9} {:>9} {:>10}",
        "subscribers",
        "statements/s",
        "CPU",
        "RSS MiB",
        "updates/s",
        "p50 ms",
        "p99 ms",
        "p99/idle"
    );
    let mut idle_p99 = None;
    for (round, count) in [0usize, 100, 1_000, 10_000].into_iter().enumerate() {
        let uris: Vec<String> = (0..100)
            .map(|k| reg.gen_uri(1000 * (round + 1) + k))
            .collect();
        let started = service.data(common::IMPORT, json!({"u": uris})).await;
        let job = started["importCredentialEngine"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        service
            .wait_for(&job, "status", Duration::from_secs(60), |j| {
                j["status"] == "ACTIVE"
            })
            .await;
        let received = Arc::new(AtomicU64::new(0));
        let tasks = subscribe(service.socket_addr(), &job, count, received.clone()).await;
        let f = window(&service, &received).await;
        let still = service.job(&job, "finished").await;
        let idle = *idle_p99.get_or_insert(f.p99_ms);
        println!(
            "{count:>12} {:>14.0} {:>9.0}% {:>8} {:>12.0} {:>9.1} {:>9.1} {:>10.2}{}",
            f.statements_per_sec,
            f.cpu_share * 100.0,
            f.rss_mib,
            f.updates_per_sec,
            f.p50_ms,
            f.p99_ms,
            f.p99_ms / idle,
            if still["finished"] == true {
                "  (the job ended inside the window)"
            } else {
                ""
            }
        );
        for t in tasks {
            t.abort();
        }
        let _ = service
            .data(
                "mutation($n:String!){ cancelJob(jobName:$n){ name } }",
                json!({"n": job}),
            )
            .await;
        service
            .wait_for(&job, "finished", Duration::from_secs(60), |j| {
                j["finished"] == true
            })
            .await;
    }
}
