//! A 200 MB file is loaded without being held in memory. The service runs as a process of its
//! own, so its peak memory reflects this load alone.

use std::io::Write;

use std::time::Duration;

use common::process::Service;
use common::s3;
use serde_json::json;

const ROWS: usize = 2_000;
/// Bytes of an ignored column per row: 2,000 rows x 100 KiB = ~200 MB.
const PADDING: usize = 100 * 1024;

#[tokio::test]
async fn a_200_mb_file_streams_with_flat_memory() {
    let db = common::fresh_database().await;
    let service = Service::start(&db, &[]).await;
    let bucket = s3::bucket().await;

    // Written to disk and uploaded from there, so the test itself never holds the file either.
    let path = std::env::temp_dir().join(format!("skillgraph-{}.csv", uuid::Uuid::new_v4()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(
            f,
            "employee_external_id,language,external_id,timestamp,course_id,notes"
        )
        .unwrap();
        let pad = "x".repeat(PADDING);
        for i in 0..ROWS {
            writeln!(
                f,
                "emp-{},en,big-{i},2024-01-01T00:00:00Z,course-{},{pad}",
                i % 50,
                i % 7
            )
            .unwrap();
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 200_000_000, "{size}");
    s3::put_file(&bucket, "big.csv", &path).await;
    std::fs::remove_file(&path).unwrap();

    let before = service.peak_rss_mib();
    let created = service
        .data(
            "mutation($i: FileLoadTaskInput!){ createFileLoadTask(input:$i){ name } }",
            json!({"i": {"entityType": "LEARNING", "method": "S3_IAM_USER", "uri": format!("s3://{bucket}/big.csv"),
                "credentials": {"awsAccessKeyId": s3::access_key(), "awsSecretAccessKey": s3::secret_key()}}}),
        )
        .await;
    let name = created["createFileLoadTask"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let fields = "status finished message progress{ rowsRead rowsLoaded rowsRejected }";
    let job = service
        .wait_for(&name, fields, Duration::from_secs(300), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(
        job["progress"],
        json!({"rowsRead": ROWS, "rowsLoaded": ROWS, "rowsRejected": 0})
    );
    let grown = service.peak_rss_mib().saturating_sub(before);
    assert!(
        grown < 64,
        "the service's peak memory grew by {grown} MiB while loading a {} MiB file",
        size >> 20
    );
}
