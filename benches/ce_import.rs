//! Ingestion benchmark: competencies/s of a 5,000-competency Credential Engine framework through
//! the whole path (GraphQL mutation, job claim, HTTP fetch, mapping, batched writes recording
//! each skill's change, throttled progress writes), against the raw write rate of the same rows
//! on the same database server through the service's write functions (history recorded), and
//! against the statements as they were before the history (`benches/before_history/`: no
//! read of the stored skills, no change recorded): what recording the history costs. Each side
//! runs on a fresh database, in turn, after a warm-up of the server's JIT; the best of each is
//! reported.
//! Needs the test database (`scripts/test-env`); run with `cargo bench --bench ce_import`.
extern crate skillgraph_testkit as common;

use std::time::Instant;

use serde_json::json;
use skillgraph::graph::writes::{self, FrameworkRow, ImportLog, SkillEdges, CHANGES_PER_JOB};
use skillgraph::ingest::credential_engine::ctdl::{self, Mapped};

const COMPETENCIES: usize = 5_000;
const ROUNDS: usize = 3;

/// A database of its own, started for this run (never one another run emptied).
async fn bench_database() -> String {
    common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await
}

/// Seconds for the whole import of the framework through the service.
async fn end_to_end(reg: &common::ce_server::Registry) -> f64 {
    let mut config = common::test_config(&bench_database().await);
    config.ingest.ce_allowed_hosts = common::ce_server::allowed();
    let app = common::TestApp::start_on(config).await;
    let t = Instant::now();
    let started = app
        .data(
            common::IMPORT,
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
    secs
}

/// The framework's rows, as the importer maps them.
fn mapped(reg: &common::ce_server::Registry) -> (FrameworkRow, Mapped) {
    let doc = common::ce_server::big_framework(&reg.base, COMPETENCIES);
    let graph = doc["@graph"].as_array().unwrap();
    let fw_uri = reg.uri("/resources/ce-fw-big");
    let fw = ctdl::framework_row(&graph[0], &fw_uri, "en-US");
    (
        fw,
        ctdl::map_competencies(&fw_uri, &[], &graph[1..], "en-US"),
    )
}

/// Seconds to write the same rows with the statements of before the history straight to a
/// fresh database (skills, parents, alignments as they were; frameworks and occupations as now).
async fn before_history(reg: &common::ce_server::Registry) -> f64 {
    let raw = common::TestApp::start_on(common::test_config(&bench_database().await)).await;
    let batch = raw.state.config.ingest.write_batch_size;
    let (fw, mapped) = mapped(reg);
    let g = raw.graph();
    let send = |text: &'static str, rows: serde_json::Value| async move {
        let q = neo4rs::query(text)
            .param("rows", neo4rs::BoltType::try_from(rows).unwrap())
            .param("now", "2026-01-01T00:00:00.000Z");
        g.rows_unchecked(q).await.unwrap();
    };
    let t = Instant::now();
    writes::upsert_frameworks(g, &[fw]).await.unwrap();
    for chunk in mapped.skills.chunks(batch) {
        send(SKILLS_BEFORE, json!(chunk)).await;
    }
    for chunk in mapped.parents.chunks(batch) {
        send(PARENTS_BEFORE, json!(chunk)).await;
    }
    let alignments = SkillEdges::alignments(&mapped.skills, ctdl::SOURCE, &mapped.alignments);
    for chunk in alignments.chunks(batch) {
        send(ALIGNMENTS_BEFORE, json!(chunk)).await;
    }
    let occupations = SkillEdges::occupations(&mapped.skills, ctdl::SOURCE, &mapped.occupations);
    for chunk in occupations.chunks(batch) {
        writes::set_occupations(g, chunk).await.unwrap();
    }
    t.elapsed().as_secs_f64()
}

const SKILLS_BEFORE: &str = include_str!("before_history/upsert_skills.cypher");
const PARENTS_BEFORE: &str = include_str!("before_history/upsert_child_edges.cypher");
const ALIGNMENTS_BEFORE: &str = include_str!("before_history/set_alignments.cypher");

/// Seconds to write the same rows with the same statements straight to a fresh database, each
/// skill's change recorded: no HTTP, no mapping, no job.
async fn raw(reg: &common::ce_server::Registry) -> f64 {
    raw_with(reg, true).await
}

/// [`raw`], the changes recorded or not (the stored skills are read either way).
async fn raw_with(reg: &common::ce_server::Registry, record: bool) -> f64 {
    let raw = common::TestApp::start_on(common::test_config(&bench_database().await)).await;
    let batch = raw.state.config.ingest.write_batch_size;
    let (fw, mapped) = mapped(reg);
    let log = ImportLog::new("bench", if record { CHANGES_PER_JOB } else { 0 });
    let g = raw.graph();
    let t = Instant::now();
    writes::upsert_frameworks(g, &[fw]).await.unwrap();
    for chunk in mapped.skills.chunks(batch) {
        writes::upsert_skills(g, &log, chunk).await.unwrap();
    }
    for chunk in mapped.parents.chunks(batch) {
        writes::set_parents(g, &log, chunk).await.unwrap();
    }
    let alignments = SkillEdges::alignments(&mapped.skills, ctdl::SOURCE, &mapped.alignments);
    for chunk in alignments.chunks(batch) {
        writes::set_alignments(g, &log, chunk).await.unwrap();
    }
    let occupations = SkillEdges::occupations(&mapped.skills, ctdl::SOURCE, &mapped.occupations);
    for chunk in occupations.chunks(batch) {
        writes::set_occupations(g, chunk).await.unwrap();
    }
    t.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let (_, reg) = common::ce_server::start(COMPETENCIES).await;
    // Warm-up: the database server's JIT, caches and the local HTTP server.
    raw(&reg).await;
    before_history(&reg).await;
    end_to_end(&reg).await;
    let (mut best_e2e, mut best_raw, mut best_before) = (f64::MAX, f64::MAX, f64::MAX);
    for round in 1..=ROUNDS {
        let r = raw(&reg).await;
        let b = before_history(&reg).await;
        let n = raw_with(&reg, false).await;
        println!("round {round}: reads without recording {n:.2}s");
        let e = end_to_end(&reg).await;
        println!("round {round}: raw {r:.2}s, before the history {b:.2}s, end to end {e:.2}s");
        best_raw = best_raw.min(r);
        best_before = best_before.min(b);
        best_e2e = best_e2e.min(e);
    }
    let rate = |s: f64| COMPETENCIES as f64 / s;
    println!(
        "credential engine import: {:.0} competencies/s end to end ({best_e2e:.2}s), raw writes of the same rows with the history {:.0} competencies/s ({best_raw:.2}s): ratio {:.2}",
        rate(best_e2e),
        rate(best_raw),
        best_raw / best_e2e
    );
    println!(
        "history recording: raw writes {:.0} competencies/s with it, {:.0} with the statements of before it ({best_before:.2}s): ratio {:.2}",
        rate(best_raw),
        rate(best_before),
        best_before / best_raw
    );
}
