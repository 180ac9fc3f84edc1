//! Operating the service: failing clearly when the database is down at start-up, and readiness
//! that follows the database (through a proxy the test pauses like a network dropping packets).

use std::time::{Duration, Instant};

use common::proxy::Proxy;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn start_up_with_the_database_down_gives_up_in_bounded_time_with_one_clear_line() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let started = Instant::now();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("SKILLGRAPH_NEO4J_URI", format!("127.0.0.1:{port}"))
        .env("SKILLGRAPH_NEO4J_PASSWORD", "a-secret-password")
        .env("SKILLGRAPH_NEO4J_STARTUP_TIMEOUT_MS", "1500")
        .env("RUST_LOG", "warn")
        .output();
    let out = tokio::time::timeout(Duration::from_secs(20), out)
        .await
        .expect("the service gave up in time")
        .unwrap();
    let elapsed = started.elapsed();
    assert!(!out.status.success());
    assert!(
        elapsed >= Duration::from_millis(1500),
        "it retried: {elapsed:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with("skillgraph: error: could not reach the graph database at 127.0.0.1:")
            && last.contains(&port.to_string()),
        "{stderr}"
    );
    // Each attempt was logged with the address; no backtrace, never the password.
    assert!(
        stderr.matches("graph database not reachable yet").count() >= 2,
        "{stderr}"
    );
    assert!(
        !stderr.contains("backtrace") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(!stderr.contains("a-secret-password"));
}

/// The driver waits for each answer no longer than its connection timeout; when that was the
/// connect timeout, a statement answered more slowly failed as "connection timed out" long
/// before its deadline (seen under load in CI).
#[tokio::test]
async fn an_answer_slower_than_the_connect_timeout_but_within_the_deadline_is_waited_for() {
    let db = common::fresh_database().await;
    let proxy = Proxy::to_database(&db).await;
    let mut config = common::test_config(&db);
    config.db.uri = proxy.addr.to_string();
    config.db.connect_timeout_ms = 300;
    config.db.statement_timeout_ms = 15_000;
    let app = TestApp::start_on(config).await;
    let latency = Duration::from_millis(800);
    proxy.slow_down(latency);
    let t = Instant::now();
    let body = app.gql("{ skills(limit: 1) { name } }", json!({})).await;
    let took = t.elapsed();
    assert!(body.get("errors").is_none(), "{body:#}");
    assert!(took >= latency, "the answers were not held: {took:?}");
}

#[tokio::test]
async fn readiness_and_queries_fail_fast_while_the_database_is_unreachable_and_recover() {
    let db = common::fresh_database().await;
    let proxy = Proxy::to_database(&db).await;
    let mut config = common::test_config(&db);
    config.db.uri = proxy.addr.to_string();
    config.db.statement_timeout_ms = 1500;
    let app = TestApp::start_on(config).await;
    let http = reqwest::Client::new();
    let ready = || async {
        let t = Instant::now();
        let status = http.get(app.url("/readyz")).send().await.unwrap().status();
        (status.as_u16(), t.elapsed())
    };
    assert_eq!(ready().await.0, 200);
    assert_eq!(
        http.get(app.url("/livez")).send().await.unwrap().status(),
        200
    );

    proxy.pause();
    let (status, took) = ready().await;
    assert_eq!(status, 503);
    assert!(took < Duration::from_millis(2500), "{took:?}");
    // The process itself is fine.
    assert_eq!(
        http.get(app.url("/livez")).send().await.unwrap().status(),
        200
    );
    // Two statements (a page and its count): once the first has waited its deadline (1.5 s)
    // the second fails at once; the answer comes within one deadline, not two.
    let t = Instant::now();
    let body = app
        .gql("{ frameworks { totalCount nodes { name } } }", json!({}))
        .await;
    assert_eq!(
        common::error_code(&body),
        "DATABASE_UNAVAILABLE",
        "{body:#}"
    );
    assert!(
        t.elapsed() < Duration::from_millis(2700),
        "{:?}",
        t.elapsed()
    );

    proxy.resume();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready().await.0 != 200 {
        assert!(Instant::now() < deadline, "readiness did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = app
            .gql("{ frameworks { nodes { name } } }", json!({}))
            .await;
        if body.get("errors").is_none() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "queries did not recover: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn json_logs_and_metrics_describe_requests_and_jobs() {
    use common::process::Service;
    let (_, reg) = common::ce_server::start(0).await;
    let db = common::fresh_database().await;
    let log = std::env::temp_dir().join(format!("skillgraph-{}.log", uuid::Uuid::new_v4()));
    let service = Service::start_logging_to(
        &db,
        &[("SKILLGRAPH_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
        Some(&log),
    )
    .await;
    service
        .data("{ frameworks { nodes { name } } }", json!({}))
        .await;
    let d = service
        .data(
            common::IMPORT,
            json!({"u": [reg.uri("/resources/ce-fw-b")]}),
        )
        .await;
    let name = d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let end = service
        .wait_for(&name, "status finished", Duration::from_secs(60), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["status"], "SUCCEEDED");

    // Every log line is a JSON object; requests and job transitions are there with their fields.
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["span"]["route"] == "/graphql" && l["span"]["method"] == "POST")
        .unwrap_or_else(|| panic!("no request line in {text}"));
    assert_eq!(request["fields"]["status"], 200, "{request:#}");
    assert!(request["fields"]["latency"].is_string(), "{request:#}");
    assert_eq!(request["level"], "INFO");
    for event in ["job claimed", "job ended"] {
        assert!(
            lines
                .iter()
                .any(|l| l["fields"]["message"] == event && l["fields"]["job"] == name.as_str()),
            "no '{event}' line for {name} in {text}"
        );
    }

    let metrics = reqwest::get(service.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "skillgraph_http_request_duration_seconds_bucket{route=\"/graphql\",method=\"POST\",le=",
        "skillgraph_graphql_operation_duration_seconds_bucket{type=\"query\",field=\"frameworks\",le=",
        "skillgraph_graphql_operations_total{type=\"mutation\",field=\"importCredentialEngine\",outcome=\"ok\"} 1",
        "skillgraph_cypher_statement_duration_seconds_bucket{le=",
        "skillgraph_jobs_ended_total{type=\"credential_engine_ingestion\",status=\"succeeded\"} 1",
        "skillgraph_job_progress_total{counter=\"competencies_done\"} 2",
    ] {
        assert!(metrics.contains(needle), "no {needle} in\n{metrics}");
    }
    let _ = std::fs::remove_file(&log);
}

/// Two statements that lock two nodes in opposite orders: Neo4j detects the deadlock and fails
/// one of them with a transient error; the driver sends it again, both end written, and the
/// retry is counted by reason on `/metrics`. (ArcadeDB's optimistic commits do not deadlock:
/// the write-conflict retries of the job statements are tested in tests/jobs.rs.)
#[tokio::test]
async fn a_deadlock_neo4j_detects_is_sent_again_and_counted() {
    if common::engine() != common::Engine::Neo4j {
        return;
    }
    let app = TestApp::start().await;
    let graph = app.graph().clone();
    graph
        .rows_unchecked(neo4rs::query("CREATE (:T {k: 1}), (:T {k: 2})"))
        .await
        .unwrap();
    let counted = || async {
        let text = app.metrics().await;
        common::metric(
            &text,
            "skillgraph_cypher_retries_total{reason=\"deadlock\"}",
        )
        .unwrap_or(0.0)
    };
    let before = counted().await;
    // Each takes its first node's write lock, works a while holding it, then wants the other's.
    let locker = |first: i64, second: i64| {
        let graph = graph.clone();
        tokio::spawn(async move {
            let q = neo4rs::query(
                "MATCH (a:T {k: $first}) SET a.v = coalesce(a.v, 0) + 1
                 WITH a UNWIND range(1, 3000000) AS i WITH a, count(i) AS c
                 MATCH (b:T {k: $second}) SET b.v = coalesce(b.v, 0) + 1
                 RETURN c AS n",
            )
            .param("first", first)
            .param("second", second);
            graph.rows_unchecked(q).await
        })
    };
    let (one, two) = tokio::join!(locker(1, 2), locker(2, 1));
    one.unwrap().expect("first writer ends written");
    two.unwrap().expect("second writer ends written");
    // Each statement committed exactly once: both nodes were incremented twice.
    assert_eq!(
        common::count(&graph, "MATCH (t:T) WHERE t.v = 2 RETURN count(t) AS n").await,
        2
    );
    assert!(
        counted().await > before,
        "no deadlock retry counted:\n{}",
        app.metrics().await
    );
}

/// The service's view of `series` in its `/metrics` (0 when absent).
async fn metric(app: &TestApp, series: &str) -> f64 {
    common::metric(&app.metrics().await, series).unwrap_or(0.0)
}

/// Holds every byte to the database until `waiting` shows in the service's metrics (a job is
/// waiting for it), then lets traffic flow again.
async fn outage_until(app: &TestApp, proxy: &Proxy, waiting: &str) {
    let before = metric(app, waiting).await;
    proxy.pause();
    let deadline = Instant::now() + Duration::from_secs(60);
    while metric(app, waiting).await <= before {
        assert!(Instant::now() < deadline, "no job waited for the database");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    proxy.resume();
    // Back once the service says it is ready again (its readiness probe ends the outage).
    app.until_ready().await;
}

/// The job once it has ended, polled; a query that meets the database's last moments of
/// unavailability (a pooled connection that went stale in the outage) is asked again.
async fn ended(app: &TestApp, name: &str, fields: &str) -> serde_json::Value {
    let q = format!("query($n:String!){{ job(jobName:$n){{ finished {fields} }} }}");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let body = app.gql(&q, json!({"n": name})).await;
        if body["data"]["job"]["finished"] == true {
            return body["data"]["job"].clone();
        }
        if body.get("errors").is_some() {
            assert_eq!(
                common::error_code(&body),
                "DATABASE_UNAVAILABLE",
                "{body:#}"
            );
        }
        assert!(
            Instant::now() < deadline,
            "job {name} did not end: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn through(proxy: &Proxy, db: &str) -> skillgraph::config::Config {
    let mut config = common::test_config(db);
    config.db.uri = proxy.addr.to_string();
    config.db.statement_timeout_ms = 1500;
    config.db.connect_timeout_ms = 1000;
    config.db.outage_wait_ms = 60_000;
    config
}

#[tokio::test]
async fn an_import_waits_out_a_database_outage_and_finishes_with_exact_counts() {
    const SIZE: usize = 120;
    let (_, reg) = common::ce_server::start(0).await;
    reg.generate(SIZE, Duration::from_millis(300));
    let db = common::fresh_database().await;
    let proxy = Proxy::to_database(&db).await;
    let mut config = through(&proxy, &db);
    config.ingest.ce_allowed_hosts = common::ce_server::allowed();
    let app = TestApp::start_on(config).await;
    let uris: Vec<String> = (0..8).map(|k| reg.gen_uri(k)).collect();
    let started = app.data(common::IMPORT, json!({"u": uris})).await;
    let name = started["importCredentialEngine"]["name"].as_str().unwrap();
    app.job_when(name, "progress { frameworksDone }", "imported one", |j| {
        j["progress"]["frameworksDone"].as_i64() >= Some(1)
    })
    .await;

    outage_until(&app, &proxy, "skillgraph_jobs_waiting_for_database_total").await;

    let end = ended(
        &app,
        name,
        "status message progress { frameworksDone competenciesDone }",
    )
    .await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["progress"]["frameworksDone"], 8, "{end:#}");
    assert_eq!(end["progress"]["competenciesDone"], 8 * SIZE, "{end:#}");
    let direct = common::connect(&db).await;
    let named = "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN count(s) AS n";
    assert_eq!(common::count(&direct, named).await, (8 * SIZE) as i64);
    let child_of = "MATCH (:Skill)-[r:CHILD_OF]->(:Skill) RETURN count(r) AS n";
    assert_eq!(
        common::count(&direct, child_of).await,
        (8 * (SIZE - 50)) as i64
    );
}

#[tokio::test]
async fn a_file_load_waits_out_a_database_outage_and_counts_each_row_once() {
    const ROWS: usize = 20_000;
    let bucket = common::s3::bucket().await;
    common::s3::put(&bucket, "big.csv", common::s3::learning_csv(ROWS, 100, 7)).await;
    let db = common::fresh_database().await;
    let proxy = Proxy::to_database(&db).await;
    let mut config = through(&proxy, &db);
    config.file_load.batch_size = 200;
    let app = TestApp::start_on(config).await;
    let task = common::load_task(&format!("s3://{bucket}/big.csv"));
    let started = app.data(common::LOAD_TASK, task).await;
    let name = started["createFileLoadTask"]["name"].as_str().unwrap();
    app.job_when(name, "progress { rowsLoaded }", "loaded rows", |j| {
        j["progress"]["rowsLoaded"].as_i64() >= Some(1000)
    })
    .await;

    outage_until(
        &app,
        &proxy,
        "skillgraph_cypher_retries_total{reason=\"outage\"}",
    )
    .await;

    let end = ended(
        &app,
        name,
        "status message progress { rowsRead rowsLoaded rowsRejected }",
    )
    .await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["progress"]["rowsLoaded"], ROWS, "{end:#}");
    let direct = common::connect(&db).await;
    let stored = common::count(&direct, "MATCH (e:SkillEvent) RETURN count(e) AS n").await;
    assert_eq!(
        stored, ROWS as i64,
        "every row stored once, and counted once"
    );
}
