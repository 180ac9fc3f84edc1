//! Registry documents are untrusted: one framework's documents are bounded together (bytes and
//! competencies), and are parsed keeping only what the mapping reads. Memory is measured in a
//! service process of its own, so it is not another test's.

use common::{ce_server, TestApp};
use serde_json::{json, Value};

const FIELDS: &str = "status progress { competenciesDone } errors { target message }";

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
    let limit = [("SKILLGRAPH_CE_MAX_COMPETENCIES", "100")];
    let (done, peak) = import_in_own_process(&reg.uri("/resources/ce-fw-heavy"), &limit).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    assert_eq!(done["progress"]["competenciesDone"], 8, "{done:#}");
    assert!(peak < PEAK_MIB, "the service peaked at {peak} MiB");
    eprintln!("eight 16 MiB documents: the service peaked at {peak} MiB");

    // A framework naming more competencies than allowed is refused before any is fetched.
    let (wide, _) = import_in_own_process(&reg.uri("/resources/ce-fw-wide"), &limit).await;
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

/// Imports `uri` in a service process of its own: the finished job, and the process's peak
/// resident memory in MiB.
async fn import_in_own_process(uri: &str, extra: &[(&str, &str)]) -> (Value, u64) {
    let db = common::fresh_database().await;
    let service = common::process::Service::start(&db, extra).await;
    let started = service.data(common::IMPORT, json!({"u": [uri]})).await;
    let name = started["importCredentialEngine"]["name"].as_str().unwrap();
    let fields = "status finished progress { competenciesDone } errors { target message }";
    let job = service
        .wait_for(name, fields, std::time::Duration::from_secs(120), |j| {
            j["finished"] == true
        })
        .await;
    (job, service.peak_rss_mib())
}

/// Peak memory a service process may reach importing any of the documents below.
const PEAK_MIB: u64 = 400;

#[tokio::test]
async fn lists_of_read_properties_are_kept_bounded_whatever_their_shape() {
    const MIB: usize = 1024 * 1024;
    let (_, reg) = ce_server::start(0).await;

    // A 60 MiB framework whose top children are one string repeated (peaked at 2,426 MiB as a
    // `serde_json::Value`): each distinct string is kept once.
    reg.repeated_top_children(60 * MIB, 1);
    let (repeat, peak) = import_in_own_process(&reg.uri("/resources/ce-fw-repeat"), &[]).await;
    assert_eq!(repeat["progress"]["competenciesDone"], 0, "{repeat:#}");
    eprintln!("60 MiB list of one string: peak {peak} MiB");
    assert!(
        peak < PEAK_MIB,
        "a 60 MiB list of one string: peak {peak} MiB"
    );

    // Eight competencies with a 16 MiB keyword list each (7,671 MiB and an abort before):
    // repeats kept once, the import succeeds with each distinct keyword.
    reg.keywords(8, 16 * MIB, 500);
    let (done, peak) = import_in_own_process(&reg.uri("/resources/ce-fw-keywords"), &[]).await;
    eprintln!("8 x 16 MiB keyword lists: peak {peak} MiB");
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    assert_eq!(done["progress"]["competenciesDone"], 8, "{done:#}");
    assert!(peak < PEAK_MIB, "8 x 16 MiB keyword lists: peak {peak} MiB");

    // The same lists of distinct strings: refused per competency, with the bound named.
    reg.keywords(8, 16 * MIB, usize::MAX);
    let (refused, peak) = import_in_own_process(&reg.uri("/resources/ce-fw-keywords"), &[]).await;
    eprintln!("8 x 16 MiB distinct keywords: peak {peak} MiB");
    assert!(
        messages(&refused)
            .iter()
            .any(|m| m
                .contains("refused: ceasn:conceptKeyword lists more than 20000 distinct items")),
        "{refused:#}"
    );
    assert!(
        peak < PEAK_MIB,
        "8 x 16 MiB distinct keywords: peak {peak} MiB"
    );
}
