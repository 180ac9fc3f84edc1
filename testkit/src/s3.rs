//! The S3-compatible test server started by `scripts/test-env` (s3s-fs, which checks SigV4
//! signatures), and a real aws-sdk-s3 client to put test files into it.

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

pub fn endpoint() -> String {
    env("SKILLGRAPH_TEST_S3_ENDPOINT", "http://127.0.0.1:9000")
}
pub fn access_key() -> String {
    env(
        "SKILLGRAPH_TEST_S3_ACCESS_KEY",
        "skillgraph-test-access-key",
    )
}
pub fn secret_key() -> String {
    env(
        "SKILLGRAPH_TEST_S3_SECRET_KEY",
        "skillgraph-test-secret-key",
    )
}

pub fn client() -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            access_key(),
            secret_key(),
            None,
            None,
            "test",
        ))
        .endpoint_url(endpoint())
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// A fresh bucket for one test.
pub async fn bucket() -> String {
    let name = format!("t-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    client()
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("S3 test server reachable: run scripts/test-env");
    name
}

pub async fn put(bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
    client()
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from(body.into()))
        .send()
        .await
        .unwrap();
}

pub async fn put_file(bucket: &str, key: &str, path: &std::path::Path) {
    client()
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from_path(path).await.unwrap())
        .send()
        .await
        .unwrap();
}

/// A learning-event CSV of `rows` valid rows (`ev-{i}`), spread over `employees` employees and
/// `courses` courses.
pub fn learning_csv(rows: usize, employees: usize, courses: usize) -> String {
    let mut csv = String::from("employee_external_id,language,external_id,timestamp,course_id\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "emp-{},en,ev-{i},2024-05-01T10:00:00Z,course-{}\n",
            i % employees,
            i % courses
        ));
    }
    csv
}
