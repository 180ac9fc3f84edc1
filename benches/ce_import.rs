//! Ingestion benchmark: competencies/s of a 5,000-competency Credential Engine framework through
//! the whole path (GraphQL mutation, HTTP fetch, mapping, batched writes, job updates), and the
//! raw `UNWIND` write rate of the same database for the same rows.
//! Needs the test database (`scripts/test-env`); run with `cargo bench --bench ce_import`.
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use serde_json::json;
use skillgraph::graph::writes;
use skillgraph::ingest::credential_engine::ctdl;

const COMPETENCIES: usize = 5_000;

#[tokio::main]
async fn main() {
    let (_, reg) = common::ce_server::start(COMPETENCIES).await;
    let app =
        common::TestApp::start_with(|c| c.ingest.ce_allowed_hosts = vec!["127.0.0.1".into()]).await;
    let batch = app.state.config.ingest.write_batch_size;

    let t = Instant::now();
    let started = app
        .data(
            "mutation($u:[String!]!){ importCredentialEngine(competencyFrameworks:$u){ name } }",
            json!({"u": [reg.uri("/resources/ce-fw-big")]}),
        )
        .await;
    let name = started["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let end = app
        .job_when_finished(&name, "status finished progress{ competenciesDone }")
        .await;
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(end["status"], "SUCCEEDED");
    assert_eq!(end["progress"]["competenciesDone"], COMPETENCIES);
    println!(
        "credential engine import: {COMPETENCIES} competencies in {secs:.2}s = {:.0} competencies/s (batch {batch})",
        COMPETENCIES as f64 / secs
    );

    // The same rows written straight to a fresh database, no HTTP, no job bookkeeping.
    let raw = common::TestApp::start().await;
    let doc = common::ce_server::big_framework(&reg.base, COMPETENCIES);
    let graph = doc["@graph"].as_array().unwrap();
    let fw_uri = reg.uri("/resources/ce-fw-big");
    let fw = ctdl::framework_row(&graph[0], &fw_uri, "en-US");
    let mapped = ctdl::map_competencies(&fw_uri, &graph[1..], "en-US");
    let g = raw.graph();
    writes::upsert_frameworks(g, &[fw]).await.unwrap();
    let t = Instant::now();
    for chunk in mapped.skills.chunks(batch) {
        writes::upsert_skills(g, chunk).await.unwrap();
    }
    let skills_secs = t.elapsed().as_secs_f64();
    let t2 = Instant::now();
    for chunk in mapped.parents.chunks(batch) {
        writes::set_parents(g, chunk).await.unwrap();
    }
    for chunk in mapped.occupations.chunks(batch) {
        writes::upsert_occupations(g, chunk).await.unwrap();
    }
    let edges_secs = t2.elapsed().as_secs_f64();
    let total = t.elapsed().as_secs_f64();
    println!(
        "raw UNWIND writes of the same rows: skills {:.0} rows/s ({skills_secs:.2}s), parent+occupation edges {:.0} rows/s ({edges_secs:.2}s); all {COMPETENCIES} competencies in {total:.2}s = {:.0} competencies/s",
        COMPETENCIES as f64 / skills_secs,
        (mapped.parents.len() + mapped.occupations.len()) as f64 / edges_secs,
        COMPETENCIES as f64 / total
    );
}
