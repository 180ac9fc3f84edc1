//! File load benchmark, in one run for each size of `SKILLGRAPH_BENCH_ROWS` (comma-separated;
//! default `50000,1000000`): rows/s of a learning-events CSV through the whole path (GraphQL
//! mutation, S3 stream, CSV validation, duplicate check, batched writes, job updates) in the
//! service as its own process, that process's peak RSS, and the raw `UNWIND` rate of the same
//! statement for the first size's rows; then the ratios. A 5,000-row load and raw write
//! first warm the database server up (printed, not counted). Needs `scripts/test-env`; run with
//! `cargo bench --bench file_load`.
extern crate skillgraph_testkit as common;

use std::io::Write;
use std::time::Instant;

use common::process::Service;
use skillgraph::graph::{cypher, param};
use skillgraph::ingest::file_load::records::{Caps, Item, Records};
use skillgraph::ingest::file_load::schema::{Columns, EntityType, Validator};

fn csv(rows: usize) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("skillgraph-bench-learning-{rows}.csv"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "employee_external_id,language,external_id,timestamp,course_id,learning_title,learning_description,source").unwrap();
    for i in 0..rows {
        if i % 2 == 0 {
            let (e, c) = (i % 10_000, i % 500);
            writeln!(f, "emp-{e},en,ev-{i},2024-01-01T00:00:00Z,course-{c},,,lms").unwrap();
        } else {
            let e = i % 10_000;
            writeln!(
                f,
                "emp-{e},en,ev-{i},2024-01-02,,Title {i},Description of {i},"
            )
            .unwrap();
        }
    }
    path
}

/// Loads `rows` rows through a fresh service on a fresh database: (rows/s, peak RSS in MiB).
async fn load(rows: usize, path: &std::path::Path) -> (f64, u64) {
    let db = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
    let service = Service::start(&db, &[]).await;
    let bucket = common::s3::bucket().await;
    common::s3::put_file(&bucket, "bench.csv", path).await;
    let idle = service.peak_rss_mib();
    let t = Instant::now();
    let created = service
        .data(
            common::LOAD_TASK,
            common::load_task(&format!("s3://{bucket}/bench.csv")),
        )
        .await;
    let name = created["createFileLoadTask"]["name"].as_str().unwrap();
    let job = service
        .wait_for(
            name,
            "status finished progress { rowsLoaded }",
            std::time::Duration::from_secs(7200),
            |j| j["finished"] == true,
        )
        .await;
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(job["progress"]["rowsLoaded"], rows);
    let peak = service.peak_rss_mib();
    println!(
        "file load task: {rows} rows ({} MiB) in {secs:.1}s = {:.0} rows/s; service peak RSS {peak} MiB (idle {idle} MiB)",
        std::fs::metadata(path).unwrap().len() >> 20,
        rows as f64 / secs
    );
    (rows as f64 / secs, peak)
}

/// The same rows, validated the same way, written with the loader's statement alone.
async fn raw(rows: usize, path: &std::path::Path) -> f64 {
    let db = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
    let app = common::TestApp::start_on(common::test_config(&db)).await;
    let c = &app.state.config.file_load;
    let caps = Caps {
        field_bytes: c.max_field_bytes,
        record_bytes: c.max_record_bytes,
    };
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut records = Records::new(file, caps);
    let Some(Item::Record { fields: header, .. }) = records.next_item().unwrap() else {
        panic!("no header")
    };
    let validator = Validator::new(Columns::from_header(EntityType::Learning, &header).unwrap());
    let mut parsed = vec![];
    while let Some(Item::Record { line, fields, .. }) = records.next_item().unwrap() {
        parsed.push(validator.check(line, &fields).unwrap());
    }
    let t = Instant::now();
    for chunk in parsed.chunks(c.batch_size) {
        let q = cypher::UPSERT_SKILL_EVENTS
            .bind()
            .param("rows", param(&chunk).unwrap())
            .param("now", "2026-01-01T00:00:00.000Z")
            .param("load", "raw");
        app.graph().run(q).await.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "raw UNWIND writes of the same {rows} rows: {:.0} rows/s ({secs:.1}s)",
        rows as f64 / secs
    );
    rows as f64 / secs
}

const WARM_UP_ROWS: usize = 5_000;

#[tokio::main]
async fn main() {
    let sizes = common::sizes("SKILLGRAPH_BENCH_ROWS", "50000,1000000");
    // Warm-up, not counted: the database server's JIT and caches, so the first measured
    // load does not pay for them and the raw run after it does not escape them.
    let path = csv(WARM_UP_ROWS);
    load(WARM_UP_ROWS, &path).await;
    raw(WARM_UP_ROWS, &path).await;
    std::fs::remove_file(&path).ok();
    let mut results = vec![];
    for &rows in &sizes {
        let path = csv(rows);
        let (rate, peak) = load(rows, &path).await;
        let raw_rate = if results.is_empty() {
            Some(raw(rows, &path).await)
        } else {
            None
        };
        results.push((rows, rate, peak, raw_rate));
        std::fs::remove_file(&path).ok();
    }
    let (rows0, rate0, peak0, raw0) = results[0];
    if let Some(raw0) = raw0 {
        println!(
            "ratio: file load / raw UNWIND at {rows0} rows = {:.2}",
            rate0 / raw0
        );
    }
    for &(rows, _, peak, _) in &results[1..] {
        println!(
            "ratio: peak RSS at {rows} rows / at {rows0} rows = {:.2} ({peak} / {peak0} MiB)",
            peak as f64 / peak0 as f64
        );
    }
}
