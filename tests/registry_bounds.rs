//! Registry documents are untrusted: one framework's documents are bounded together (bytes and
//! competencies), and are parsed keeping only what the mapping reads. In a binary of its own,
//! so the memory it measures is not another test's.
mod common;

use common::{ce_server, TestApp};
use serde_json::{json, Value};

const FIELDS: &str = "status progress { competenciesDone } errors { target message }";

/// Peak resident memory of this process so far, in MiB.
fn peak_rss_mib() -> u64 {
    common::peak_rss() / (1024 * 1024)
}

async fn import(app: &TestApp, uri: &str) -> Value {
    let started = app.data(common::IMPORT, json!({"u": [uri]})).await;
    let name = started["importCredentialEngine"]["name"].as_str().unwrap();
    app.job_when_finished(name, FIELDS).await
}

fn messages(job: &Value) -> Vec<String> {
    job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_frameworks_documents_are_bounded_together_and_parsed_lean() {
    const MIB: usize = 1024 * 1024;
    let (_, reg) = ce_server::start(0).await;
    // Eight competencies of 16 MiB each, fetched eight at a time: 128 MiB of documents that
    // would take about 4 GB as whole `serde_json::Value`s.
    reg.heavy(8, 16 * MIB);
    reg.wide.store(1_000, std::sync::atomic::Ordering::SeqCst);

    // Over the framework's budget: skipped with an error naming the bound.
    let tight = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.ce_max_framework_bytes = 64 * MIB;
    })
    .await;
    let refused = import(&tight, &reg.uri("/resources/ce-fw-heavy")).await;
    assert!(
        messages(&refused)
            .iter()
            .any(|m| m.contains("together exceed 67108864 bytes")),
        "{refused:#}"
    );
    assert_eq!(refused["progress"]["competenciesDone"], 0, "{refused:#}");

    // Within the default budget it imports, and the process stays small while it does.
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.ce_max_competencies = 100;
    })
    .await;
    let before = peak_rss_mib();
    let done = import(&app, &reg.uri("/resources/ce-fw-heavy")).await;
    let grown = peak_rss_mib().saturating_sub(before);
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    assert_eq!(done["progress"]["competenciesDone"], 8, "{done:#}");
    assert!(grown < 400, "peak memory grew by {grown} MiB");
    eprintln!("eight 16 MiB documents: peak memory grew by {grown} MiB");

    // A framework naming more competencies than allowed is refused before any is fetched.
    let wide = import(&app, &reg.uri("/resources/ce-fw-wide")).await;
    assert!(
        messages(&wide)
            .iter()
            .any(|m| m.contains("more than 100 competencies")),
        "{wide:#}"
    );
    assert_eq!(
        reg.paths_hit("/resources/ce-wide-"),
        0,
        "competencies fetched"
    );
}
