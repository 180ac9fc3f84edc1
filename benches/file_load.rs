//! File load benchmark: rows/s of a learning-events CSV (1,000,000 rows by default;
//! `SKILLGRAPH_BENCH_ROWS` to change) through the whole path (GraphQL mutation, S3 stream, CSV
//! validation, batched writes, job updates), and the raw `UNWIND` write rate of the same
//! database for the same rows. Needs `scripts/test-env`; run with `cargo bench --bench file_load`.
#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::time::Instant;

use serde_json::json;
use skillgraph::graph::events;
use skillgraph::ingest::file_load::records::{Caps, Item, Records};
use skillgraph::ingest::file_load::schema::{Columns, EntityType, Validator};

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("SKILLGRAPH_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = std::env::temp_dir().join("skillgraph-bench-learning.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "employee_external_id,language,external_id,timestamp,course_id,learning_title,learning_description,source").unwrap();
        for i in 0..rows {
            if i % 2 == 0 {
                writeln!(
                    f,
                    "emp-{},en-US,ev-{i},2024-01-01T00:00:00Z,course-{},,,lms",
                    i % 10_000,
                    i % 500
                )
                .unwrap();
            } else {
                writeln!(
                    f,
                    "emp-{},en,ev-{i},2024-01-02T12:00:00Z,,Title {i},Description of {i},",
                    i % 10_000
                )
                .unwrap();
            }
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let app = common::TestApp::start().await;
    let bucket = common::s3::bucket().await;
    common::s3::put_file(&bucket, "bench.csv", &path).await;

    let t = Instant::now();
    let created = app
        .data(
            "mutation($i: FileLoadTaskInput!){ createFileLoadTask(input:$i){ name } }",
            json!({"i": {"entityType": "LEARNING", "method": "S3_IAM_USER", "uri": format!("s3://{bucket}/bench.csv"),
                "credentials": {"awsAccessKeyId": common::s3::access_key(), "awsSecretAccessKey": common::s3::secret_key()}}}),
        )
        .await;
    let name = created["createFileLoadTask"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let job = app
        .job_when_finished(&name, "status finished progress{ rowsLoaded }")
        .await;
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(job["progress"]["rowsLoaded"], rows);
    println!(
        "file load task: {rows} rows ({} MiB) in {secs:.1}s = {:.0} rows/s (batch {})",
        size >> 20,
        rows as f64 / secs,
        app.state.config.file_load.batch_size
    );

    // The same rows, validated the same way, written straight to a fresh database.
    let raw = common::TestApp::start().await;
    let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut records = Records::new(file, caps(&raw));
    let Some(Item::Record { fields: header, .. }) = records.next_item().unwrap() else {
        panic!("no header")
    };
    let columns = Columns::from_header(EntityType::Learning, &header).unwrap();
    let validator = Validator::new(columns);
    let mut parsed = vec![];
    while let Some(Item::Record { line, fields, .. }) = records.next_item().unwrap() {
        parsed.push(validator.check(line, &fields).unwrap());
    }
    let batch = raw.state.config.file_load.batch_size;
    let t = Instant::now();
    for chunk in parsed.chunks(batch) {
        events::upsert(raw.graph(), "raw", chunk).await.unwrap();
    }
    let raw_secs = t.elapsed().as_secs_f64();
    println!(
        "raw UNWIND writes of the same rows: {:.0} rows/s ({raw_secs:.1}s)",
        rows as f64 / raw_secs
    );
    std::fs::remove_file(&path).ok();
}

fn caps(app: &common::TestApp) -> Caps {
    let c = &app.state.config.file_load;
    Caps {
        field_bytes: c.max_field_bytes,
        record_bytes: c.max_record_bytes,
    }
}
