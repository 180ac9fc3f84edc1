//! File load tasks end to end: GraphQL mutation, CSV streamed from a real S3-compatible server
//! (signature-checking), validation, batched writes to the real test database.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::{error_code, s3, TestApp};
use serde_json::{json, Value};

/// Everything the service logs in this test binary, to check that no secret is ever logged.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = LogBuffer::default();
        let writer = buf.clone();
        // The service's own filter, at debug for everything it allows.
        tracing_subscriber::fmt()
            .with_env_filter(skillgraph::telemetry::filter("debug"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        buf
    })
}

const TASK_FIELDS: &str = "name type status message finished input
    progress { rowsRead rowsLoaded rowsRejected } errors { line message }";

async fn create_task(
    app: &TestApp,
    uri: &str,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> Value {
    app.gql(
        &format!(
            "mutation($i: FileLoadTaskInput!){{ createFileLoadTask(input: $i){{ {TASK_FIELDS} }} }}"
        ),
        json!({"i": {
            "entityType": "LEARNING", "method": "S3_IAM_USER", "uri": uri,
            "credentials": {"awsAccessKeyId": key, "awsSecretAccessKey": secret, "awsSessionToken": token}
        }}),
    )
    .await
}

/// Starts a task with the test store's keys and a session token; returns its name.
async fn start_with_token(app: &TestApp, uri: &str, token: &str) -> String {
    let key = s3::access_key();
    let body = create_task(app, uri, &key, &s3::secret_key(), Some(token)).await;
    body["data"]["createFileLoadTask"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("{body:#}"))
        .to_string()
}

async fn run_task(app: &TestApp, uri: &str, key: &str, secret: &str) -> Value {
    let body = create_task(app, uri, key, secret, None).await;
    let task = body["data"]["createFileLoadTask"].clone();
    assert_eq!(task["type"], "FILE_LOAD", "{body:#}");
    app.job_when_finished(task["name"].as_str().unwrap(), TASK_FIELDS)
        .await
}

const CSV: &str = "\
employee_external_id,language,external_id,timestamp,course_id,learning_title,learning_description,source,ignored_column
emp-1,en,ev-1,2024-05-01T10:00:00Z,course-42,,,lms,x
emp-1,en,ev-2,2024-05-02T10:00:00+02:00,,Intro to Rust,Ownership and borrowing,,y
emp-2,fr,ev-3,2024-05-03T09:30:00Z,course-42,,,,z
,en,ev-4,2024-05-04T10:00:00Z,course-1,,,,
emp-3,en,ev-5,not-a-time,course-1,,,,
emp-3,english please,ev-6,2024-05-04T10:00:00Z,course-1,,,,
emp-3,en,ev-1,2024-05-04T10:00:00Z,course-1,,,,
emp-3,en,ev-7,2024-05-04T10:00:00Z,,Only a title,,,
";

#[tokio::test]
async fn loads_valid_rows_reports_bad_ones_and_reloads_idempotently() {
    logs();
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "learning.csv", CSV).await;
    let uri = format!("s3://{bucket}/learning.csv");

    let job = run_task(&app, &uri, &s3::access_key(), &s3::secret_key()).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(
        job["progress"],
        json!({"rowsRead": 8, "rowsLoaded": 3, "rowsRejected": 5})
    );
    assert_eq!(
        job["input"],
        json!({"entity_type": "learning", "method": "s3_iam_user", "uri": uri})
    );
    let errors: Vec<(i64, String)> = job["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let lines: Vec<i64> = errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, vec![5, 6, 7, 8, 9], "{errors:#?}");
    assert!(errors[0].1.contains("employee_external_id"));
    assert!(errors[1].1.contains("timestamp"));
    assert!(errors[2].1.contains("language"));
    assert!(errors[3].1.contains("duplicate external_id \"ev-1\""));
    assert!(errors[4].1.contains("course_id"));

    let emp = app
        .data(
            "{ employee(externalId: \"emp-1\") { externalId learningEvents { externalId eventType language timestamp source courseId learningTitle learningDescription } } }",
            json!({}),
        )
        .await;
    let events = emp["employee"]["learningEvents"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["externalId"], "ev-2", "newest first");
    assert_eq!(events[0]["timestamp"], "2024-05-02T08:00:00.000Z");
    assert_eq!(events[0]["learningTitle"], "Intro to Rust");
    assert_eq!(events[1]["courseId"], "course-42");
    assert_eq!(events[1]["source"], "lms");
    assert_eq!(events[1]["eventType"], "learning");
    let nobody = app
        .data(
            "{ employee(externalId: \"nobody\") { externalId } }",
            json!({}),
        )
        .await;
    assert_eq!(nobody["employee"], Value::Null);

    let first_q = "{ skillEvents(first: 1) { pageInfo { endCursor } } }";
    let first = app.data(first_q, json!({})).await;
    let page_q = "query($a: String) { skillEvents(first: 1, after: $a) { totalCount nodes { externalId } } }";
    let after = &first["skillEvents"]["pageInfo"]["endCursor"];
    let page = app.data(page_q, json!({"a": after})).await;
    assert_eq!(page["skillEvents"]["totalCount"], 3);
    // Newest first: ev-3 (May 3), ev-2 (May 2), ev-1 (May 1).
    assert_eq!(
        page["skillEvents"]["nodes"],
        json!([{"externalId": "ev-2"}])
    );

    // Loading the same file again changes no count and creates no node or relationship.
    let count_all = || async {
        let rows = app.graph().rows_unchecked(neo4rs::query("MATCH (n) WHERE NOT n:Job AND NOT n:JobQueue AND NOT n:Generation OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r")).await.unwrap();
        (
            rows[0].get::<i64>("n").unwrap(),
            rows[0].get::<i64>("r").unwrap(),
        )
    };
    let before = count_all().await;
    let again = run_task(&app, &uri, &s3::access_key(), &s3::secret_key()).await;
    assert_eq!(again["progress"], job["progress"]);
    assert_eq!(count_all().await, before);
    // 3 events, 2 employees, 1 course; 3 HAS_EVENT + 2 FOR_COURSE.
    assert_eq!(before, (6, 5));
}

#[tokio::test]
async fn a_missing_required_column_fails_the_task_at_once() {
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    s3::put(
        &bucket,
        "bad.csv",
        "employee_external_id,language,course_id\nemp-1,en,c\n",
    )
    .await;
    let job = run_task(
        &app,
        &format!("s3://{bucket}/bad.csv"),
        &s3::access_key(),
        &s3::secret_key(),
    )
    .await;
    assert_eq!(job["status"], "FAILED");
    let msg = job["message"].as_str().unwrap();
    assert!(
        msg.contains("missing required column(s): external_id, timestamp"),
        "{msg}"
    );
    assert_eq!(job["progress"]["rowsLoaded"], 0);
}

#[tokio::test]
async fn s3_errors_name_their_cause() {
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "ok.csv", CSV).await;
    let ok_uri = format!("s3://{bucket}/ok.csv");
    let cases = [
        (
            ok_uri.clone(),
            s3::access_key(),
            "wrong-secret".to_string(),
            "secret access key does not match",
        ),
        (
            ok_uri.clone(),
            "AKIAUNKNOWNKEY".to_string(),
            s3::secret_key(),
            "access key id is not valid",
        ),
        (
            format!("s3://{bucket}/missing.csv"),
            s3::access_key(),
            s3::secret_key(),
            "does not exist",
        ),
        (
            "s3://no-such-bucket-here/x.csv".to_string(),
            s3::access_key(),
            s3::secret_key(),
            "bucket no-such-bucket-here does not exist",
        ),
    ];
    for (uri, key, secret, needle) in cases {
        let job = run_task(&app, &uri, &key, &secret).await;
        assert_eq!(job["status"], "FAILED", "{job:#}");
        let msg = job["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{uri}: {msg}");
        assert!(
            !msg.contains("SdkError") && !msg.contains("ServiceError"),
            "{msg}"
        );
    }
}

#[tokio::test]
async fn invalid_requests_are_rejected_without_a_task() {
    let app = TestApp::start().await;
    let long_key = format!("s3://bucket/{}.csv", "k".repeat(1_500_000));
    for (uri, key, needle) in [
        ("https://bucket/key.csv", "k", "s3://"),
        ("s3://bucket", "k", "object key"),
        ("s3://UPPER/k.csv", "k", "bucket name"),
        ("s3://bucket/k.csv", "", "awsAccessKeyId"),
        ("s3://bucket/../other/x.csv", "k", "`..`"),
        // Made the AWS SDK panic inside the job (an invalid header value; a URI too long).
        (
            "s3://bucket/k.csv",
            "AKIA\r\nX-Injected: 1",
            "awsAccessKeyId",
        ),
        ("s3://bucket/k.csv", "AKIA EXAMPLE", "awsAccessKeyId"),
        (&long_key, "k", "at most 1024"),
    ] {
        let body = create_task(&app, uri, key, "secret", None).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{body:#}"
        );
    }
    let body = app
        .gql(
            "mutation { createFileLoadTask(input: {entityType: COURSES, method: S3_IAM_USER, uri: \"s3://b/k\", credentials: {awsAccessKeyId: \"a\", awsSecretAccessKey: \"b\"}}) { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    let key = s3::access_key();
    let body = create_task(&app, "s3://bucket/k.csv", &key, "s", Some("tok\nen")).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("awsSessionToken"));
    let jobs = app.data("{ jobs { nodes { name } } }", json!({})).await;
    assert_eq!(jobs["jobs"]["nodes"], json!([]));
}

#[tokio::test]
async fn credentials_are_never_stored_logged_or_returned() {
    let logs = logs();
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "learning.csv", CSV).await;
    let uri = format!("s3://{bucket}/learning.csv");
    // A distinctive token (s3s-fs accepts and ignores it): the task succeeds, and the token
    // must not be kept anywhere.
    let token = "SESSION-TOKEN-d1b2c3";
    let name = start_with_token(&app, &uri, token).await;
    let ok = run_task(&app, &uri, &s3::access_key(), &s3::secret_key()).await;
    assert_eq!(ok["status"], "SUCCEEDED", "{ok:#}");
    let wrong_secret = "WRONG-SECRET-9f8e7d";
    let bad = run_task(&app, &uri, &s3::access_key(), wrong_secret).await;
    assert_eq!(bad["status"], "FAILED");
    let with_token = app.job_when_finished(&name, TASK_FIELDS).await;
    assert_eq!(with_token["status"], "SUCCEEDED", "{with_token:#}");
    let secrets = [
        s3::secret_key(),
        s3::access_key(),
        token.to_string(),
        wrong_secret.to_string(),
    ];
    // Nothing in the graph holds a secret: every property of every node and relationship.
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN n {.*} AS n, r {.*} AS r",
        ))
        .await
        .unwrap();
    let mut stored = String::new();
    for row in &rows {
        stored.push_str(&row.get::<Value>("n").unwrap().to_string());
        stored.push_str(&row.get::<Value>("r").unwrap_or(Value::Null).to_string());
    }
    assert!(stored.contains(&uri), "the dump covers the jobs");
    // No job returned through the API holds one either.
    let listed = app
        .data(
            &format!("{{ jobs(type: FILE_LOAD) {{ nodes {{ {TASK_FIELDS} }} }} }}"),
            json!({}),
        )
        .await
        .to_string();
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(logged.contains("listening"), "the log capture works");
    for s in &secrets {
        assert!(!stored.contains(s.as_str()), "secret stored in the graph");
        assert!(!listed.contains(s.as_str()), "secret returned by the API");
        if let Some(at) = logged.find(s.as_str()) {
            panic!(
                "secret logged: ...{}...",
                &logged[at.saturating_sub(300)..(at + 50).min(logged.len())]
            );
        }
    }
}

/// The session token reaches S3 as the AWS tools send it: seen on the wire by a proxy in front
/// of the S3 server (which accepts any token), on the task given one and only there.
#[tokio::test]
async fn the_session_token_is_sent_to_s3() {
    let target: std::net::SocketAddr = s3::endpoint()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let wire = common::proxy::Proxy::start(target).await;
    let app = TestApp::start_with(|c| {
        c.file_load.s3_endpoint = Some(format!("http://{}", wire.addr));
    })
    .await;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "learning.csv", CSV).await;
    let uri = format!("s3://{bucket}/learning.csv");

    let plain = run_task(&app, &uri, &s3::access_key(), &s3::secret_key()).await;
    assert_eq!(plain["status"], "SUCCEEDED", "{plain:#}");
    assert!(
        !wire
            .sent()
            .to_ascii_lowercase()
            .contains("x-amz-security-token"),
        "no token was given, none is sent"
    );

    let token = "SESSION-TOKEN-5e6f7a";
    let name = start_with_token(&app, &uri, token).await;
    let done = app.job_when_finished(&name, TASK_FIELDS).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    let sent = wire.sent().to_ascii_lowercase();
    assert!(
        sent.contains(&format!(
            "x-amz-security-token: {}",
            token.to_ascii_lowercase()
        )),
        "the GET carries the session token"
    );
}

#[tokio::test]
async fn duplicates_are_reported_with_the_first_line_beyond_one_batch() {
    // Batches of 10 rows: the loader holds one batch of ids, never the file's.
    let app = TestApp::start_with(|c| c.file_load.batch_size = 10).await;
    let mut csv = String::from("employee_external_id,language,external_id,timestamp,course_id\n");
    for i in 0..100 {
        // Line i + 2 holds row i. Row 93 repeats row 1 (nine batches later); row 48 repeats
        // row 47 (the same batch).
        let id = match i {
            93 => 1,
            48 => 47,
            i => i,
        };
        csv.push_str(&format!("emp-1,en,ev-{id},2024-05-01T10:00:00Z,c\n"));
    }
    let bucket = s3::bucket().await;
    s3::put(&bucket, "dups.csv", csv).await;
    let job = run_task(
        &app,
        &format!("s3://{bucket}/dups.csv"),
        &s3::access_key(),
        &s3::secret_key(),
    )
    .await;
    assert_eq!(
        job["progress"],
        json!({"rowsRead": 100, "rowsLoaded": 98, "rowsRejected": 2}),
        "{job:#}"
    );
    assert_eq!(
        job["errors"],
        json!([
            {"line": 50, "message": "duplicate external_id \"ev-47\" in the file (first at line 49)"},
            {"line": 95, "message": "duplicate external_id \"ev-1\" in the file (first at line 3)"},
        ])
    );
    // The same file loaded again is a new load: its ids are updates, not duplicates.
    let again = run_task(
        &app,
        &format!("s3://{bucket}/dups.csv"),
        &s3::access_key(),
        &s3::secret_key(),
    )
    .await;
    assert_eq!(again["progress"]["rowsLoaded"], 98, "{again:#}");
    assert_eq!(again["errors"], job["errors"]);
}

/// The database stops answering while a load is running (every byte to it held, as on a network
/// that drops packets): the batch in flight passes its deadline and is sent again once the
/// database answers, and the load ends with every row, none twice.
#[tokio::test]
async fn a_load_rides_out_a_database_that_stops_answering_for_a_moment() {
    let db = common::fresh_database().await;
    let wire = common::proxy::Proxy::to_database(&db).await;
    let mut config = common::test_config(&db);
    config.db.uri = wire.addr.to_string();
    config.db.statement_timeout_ms = 1000;
    config.file_load.batch_size = 10;
    let app = TestApp::start_on(config).await;
    let rows = 3000;
    let mut csv = String::from("employee_external_id,language,external_id,timestamp,course_id\n");
    for i in 0..rows {
        csv.push_str(&format!("emp-{},en,ev-{i},2024-05-01T10:00:00Z,c\n", i % 7));
    }
    let bucket = s3::bucket().await;
    s3::put(&bucket, "pause.csv", csv).await;
    let body = create_task(
        &app,
        &format!("s3://{bucket}/pause.csv"),
        &s3::access_key(),
        &s3::secret_key(),
        None,
    )
    .await;
    let name = body["data"]["createFileLoadTask"]["name"].as_str().unwrap();
    let running = job_through_outages(&app, name, |j| {
        j["progress"]["rowsLoaded"].as_i64().unwrap_or(0) > 0
    })
    .await;
    assert_eq!(
        running["finished"], false,
        "paused while running: {running:#}"
    );

    wire.pause();
    let retries = || async {
        let series = "skillgraph_cypher_retries_total{reason=\"unavailable\"}";
        common::metric(&app.metrics().await, series).unwrap_or(0.0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while retries().await < 1.0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no batch write timed out while the database was silent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    wire.resume();
    app.until_ready().await;
    let done = job_through_outages(&app, name, |j| j["finished"] == true).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    assert_eq!(done["progress"]["rowsLoaded"], rows, "{done:#}");
    let stored = app
        .count("MATCH (ev:SkillEvent) WHERE ev.external_id STARTS WITH 'ev-' RETURN count(ev) AS n")
        .await;
    assert_eq!(stored, rows, "every row once");
}

/// The job (with [`TASK_FIELDS`]) once `reached` holds for it, polled. A read answered
/// `DATABASE_UNAVAILABLE` is asked again: with a short statement deadline a slow moment under
/// load counts as an outage, and after one a pooled connection may have gone stale.
async fn job_through_outages(app: &TestApp, name: &str, reached: impl Fn(&Value) -> bool) -> Value {
    let q = format!("query($n:String!){{ job(jobName:$n){{ {TASK_FIELDS} }} }}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let body = app.gql(&q, json!({"n": name})).await;
        assert!(
            std::time::Instant::now() < deadline,
            "the load did not get there: {body:#}"
        );
        if body["errors"][0]["extensions"]["code"] != "DATABASE_UNAVAILABLE" {
            assert!(body.get("errors").is_none(), "{body:#}");
            if reached(&body["data"]["job"]) {
                return body["data"]["job"].clone();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The length limit of every entry path: a learning description of exactly 10,000 bytes loads,
/// one of 10,001 bytes is that row's error (with its line), and the rows around it load.
#[tokio::test]
async fn a_field_over_the_length_limit_is_its_rows_error_at_the_boundary() {
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    let at = "é".repeat(5_000); // 10,000 bytes, 5,000 characters
    let over = format!("{at}x");
    let csv = format!(
        "employee_external_id,language,external_id,timestamp,learning_title,learning_description\n\
         emp-1,en,ev-1,2024-05-01T10:00:00Z,At the limit,{at}\n\
         emp-1,en,ev-2,2024-05-01T10:00:00Z,Over the limit,{over}\n\
         emp-1,en,ev-3,2024-05-01T10:00:00Z,Short,short\n"
    );
    s3::put(&bucket, "long.csv", csv).await;
    let uri = format!("s3://{bucket}/long.csv");
    let job = run_task(&app, &uri, &s3::access_key(), &s3::secret_key()).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(
        job["progress"],
        json!({"rowsRead": 3, "rowsLoaded": 2, "rowsRejected": 1})
    );
    let e = &job["errors"][0];
    assert_eq!(e["line"], 3, "{job:#}");
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("learning_description: 10001 bytes, over the limit of 10000 bytes"),
        "{message}"
    );
}
