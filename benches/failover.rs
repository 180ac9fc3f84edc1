//! Failover benchmark: how long after a SIGKILL of the process running an import another
//! process resumes the same job, with the default job timings and with short ones. Two real
//! `skillgraph` processes on one database; the registry is the local fixture server, slowed so
//! the import is surely mid-way when its process is killed.
//! Needs the test servers (`scripts/test-env`); run with `cargo bench --bench failover`.
extern crate skillgraph_testkit as common;

use std::time::{Duration, Instant};

use common::process::Service;
use serde_json::json;

const FIELDS: &str = "status attempts runner progress { frameworksDone }";

async fn takeover(reg: &common::ce_server::Registry, timings: &[(&str, &str)]) -> Duration {
    let db = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
    let mut a = Service::start(&db, timings).await;
    let b_db = db.clone();
    let uris: Vec<String> = (0..8).map(|k| reg.gen_uri(k)).collect();
    let d = a.data(common::IMPORT, json!({"u": uris})).await;
    let name = d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    a.wait_for(&name, FIELDS, Duration::from_secs(60), |j| {
        j["status"] == "ACTIVE" && j["progress"]["frameworksDone"].as_i64() >= Some(1)
    })
    .await;
    let b = Service::start(&b_db, timings).await;
    a.kill();
    let killed = Instant::now();
    b.wait_for(&name, FIELDS, Duration::from_secs(120), |j| {
        j["attempts"] == 2
    })
    .await;
    killed.elapsed()
}

#[tokio::main]
async fn main() {
    let (_, reg) = common::ce_server::start(0).await;
    reg.generate(100, Duration::from_millis(1500));
    let defaults = [
        ("SKILLGRAPH_JOB_LEASE_MS", "15000"),
        ("SKILLGRAPH_JOB_HEARTBEAT_MS", "500"),
        ("SKILLGRAPH_JOB_POLL_MS", "1000"),
        ("SKILLGRAPH_JOB_WATCH_MS", "250"),
    ];
    let t = takeover(&reg, &defaults).await;
    println!("SIGKILL to resumed elsewhere, default timings (lease 15 s, poll 1 s): {t:.2?}");
    let short = [
        ("SKILLGRAPH_JOB_LEASE_MS", "3000"),
        ("SKILLGRAPH_JOB_HEARTBEAT_MS", "250"),
        ("SKILLGRAPH_JOB_POLL_MS", "250"),
    ];
    let t = takeover(&reg, &short).await;
    println!("SIGKILL to resumed elsewhere, lease 3 s, poll 250 ms: {t:.2?}");
}
