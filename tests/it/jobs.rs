//! The job runner in-process against the real database: a panicking job, cancel during a hung
//! fetch, jobs on the same framework or file serialised (no duplicate edges), a job with a
//! thousand huge errors, and two runners on one queue never running the same job.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{ce_server, s3, TestApp};
use serde_json::json;
use skillgraph::jobs::model::{JobSpec, JobType};
use skillgraph::jobs::{Handler, JobFailure, RunContext};

const FIELDS: &str = "name status message finished attempts runner startedTime finishedTime
    progress { frameworksDone competenciesDone rowsRead rowsLoaded rowsRejected }
    errors { target line message } errorsDropped";

fn registry_config(c: &mut skillgraph::config::Config) {
    c.ingest.ce_allowed_hosts = ce_server::allowed();
    c.ingest.http_backoff_ms = 10;
}

async fn import(app: &TestApp, uris: &[String]) -> String {
    let d = app.data(common::IMPORT, json!({"u": uris})).await;
    d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn load(app: &TestApp, uri: &str) -> String {
    let d = app.data(common::LOAD_TASK, common::load_task(uri)).await;
    d["createFileLoadTask"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Cancels a job and waits for its end, which must be CANCELLED within 3 s.
async fn cancel_and_wait(app: &TestApp, name: &str) -> serde_json::Value {
    let asked = Instant::now();
    app.data(
        "mutation($n:String!){ cancelJob(jobName:$n){ name } }",
        json!({"n": name}),
    )
    .await;
    let end = app.job_when_finished(name, FIELDS).await;
    assert_eq!(end["status"], "CANCELLED", "{end:#}");
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(3), "{took:?}");
    end
}

/// Delegates to the real import, but panics for a framework URI that says so.
struct PanicsOnRequest(Arc<dyn Handler>);

#[async_trait::async_trait]
impl Handler for PanicsOnRequest {
    fn job_type(&self) -> JobType {
        self.0.job_type()
    }

    async fn run(&self, ctx: &RunContext) -> Result<(), JobFailure> {
        if let JobSpec::CredentialEngine(i) = ctx.spec() {
            if i.competency_frameworks
                .iter()
                .any(|u| u.ends_with("/panic"))
            {
                panic!("boom: a bug in the handler");
            }
        }
        self.0.run(ctx).await
    }
}

#[tokio::test]
async fn a_panicking_job_fails_with_the_panic_message_and_the_runner_goes_on() {
    let (_, reg) = ce_server::start(0).await;
    let db = common::fresh_database().await;
    let mut config = common::test_config(&db);
    registry_config(&mut config);
    config.jobs.concurrency = 1;
    let app = TestApp::start_on_with(config, |h| {
        h.wrap(JobType::CredentialEngineIngestion, |inner| {
            Arc::new(PanicsOnRequest(inner))
        })
    })
    .await;
    let bad = import(&app, &[reg.uri("/panic")]).await;
    let end = app.job_when_finished(&bad, FIELDS).await;
    assert_eq!(end["status"], "FAILED", "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(
        message.contains("panicked") && message.contains("boom: a bug in the handler"),
        "{message}"
    );
    // The one runner slot was given back: the next job runs and succeeds.
    let good = import(&app, &[reg.uri("/resources/ce-fw-b")]).await;
    let end = app.job_when_finished(&good, FIELDS).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
}

#[tokio::test]
async fn cancel_interrupts_a_fetch_that_never_answers() {
    let (_, reg) = ce_server::start(0).await;
    // Timeouts far longer than the test: only the cancel can end this job.
    let app = TestApp::start_with(|c| {
        registry_config(c);
        c.ingest.http_timeout_secs = 300;
    })
    .await;
    let name = import(&app, &[reg.uri("/resources/ce-hang")]).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while reg.hits("/resources/ce-hang") == 0 {
        assert!(Instant::now() < deadline, "the fetch never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let running = app
        .data(
            "query($n:String!){ job(jobName:$n){ status } }",
            json!({"n": name}),
        )
        .await;
    assert_eq!(running["job"]["status"], "ACTIVE");
    cancel_and_wait(&app, &name).await;
}

#[tokio::test]
async fn two_imports_of_one_framework_wait_for_each_other_and_duplicate_nothing() {
    const N: i64 = 400;
    let (_, reg) = ce_server::start(N as usize).await;
    let app = TestApp::start_with(|c| {
        registry_config(c);
        c.jobs.concurrency = 2;
        c.ingest.write_batch_size = 50;
    })
    .await;
    let uri = [reg.uri("/resources/ce-fw-big")];
    let (one, two) = tokio::join!(import(&app, &uri), import(&app, &uri));
    let one = app.job_when_finished(&one, FIELDS).await;
    let two = app.job_when_finished(&two, FIELDS).await;
    assert_eq!(
        (one["status"].as_str(), two["status"].as_str()),
        (Some("SUCCEEDED"), Some("SUCCEEDED"))
    );
    // One ran after the other.
    let (first, second) = if one["startedTime"].as_str() < two["startedTime"].as_str() {
        (&one, &two)
    } else {
        (&two, &one)
    };
    assert!(
        second["startedTime"].as_str() >= first["finishedTime"].as_str(),
        "overlapped: {first:#} {second:#}"
    );
    let child_of = "MATCH (:Skill)-[r:CHILD_OF]->(:Skill) RETURN count(r) AS n";
    assert_eq!(app.count(child_of).await, N - 50);
    let occupations = "MATCH (:Skill)-[r:HAS_OCCUPATION]->() RETURN count(r) AS n";
    assert_eq!(app.count(occupations).await, N);
    for rel in ["CHILD_OF", "HAS_OCCUPATION", "PART_OF"] {
        assert_eq!(common::duplicate_edges(app.graph(), rel).await, 0, "{rel}");
    }
}

#[tokio::test]
async fn two_loads_of_one_file_wait_for_each_other_and_duplicate_nothing() {
    const ROWS: i64 = 3000;
    let bucket = s3::bucket().await;
    s3::put(
        &bucket,
        "events.csv",
        s3::learning_csv(ROWS as usize, 50, 9),
    )
    .await;
    let app = TestApp::start_with(|c| {
        c.jobs.concurrency = 2;
        c.file_load.batch_size = 250;
    })
    .await;
    let uri = format!("s3://{bucket}/events.csv");
    let (one, two) = tokio::join!(load(&app, &uri), load(&app, &uri));
    let one = app.job_when_finished(&one, FIELDS).await;
    let two = app.job_when_finished(&two, FIELDS).await;
    for j in [&one, &two] {
        assert_eq!(j["status"], "SUCCEEDED", "{j:#}");
        assert_eq!(j["progress"]["rowsLoaded"], ROWS);
    }
    let (a, b) = (one["startedTime"].as_str(), two["startedTime"].as_str());
    let (first, second) = if a < b { (&one, &two) } else { (&two, &one) };
    assert!(
        second["startedTime"].as_str() >= first["finishedTime"].as_str(),
        "overlapped: {first:#} {second:#}"
    );
    assert_eq!(
        app.count("MATCH ()-[r:HAS_EVENT]->() RETURN count(r) AS n")
            .await,
        ROWS
    );
    assert_eq!(
        app.count("MATCH ()-[r:FOR_COURSE]->() RETURN count(r) AS n")
            .await,
        ROWS
    );
    for rel in ["HAS_EVENT", "FOR_COURSE"] {
        assert_eq!(common::duplicate_edges(app.graph(), rel).await, 0, "{rel}");
    }
}

#[tokio::test]
async fn a_job_with_a_thousand_errors_of_9_kb_ends_and_is_stored() {
    let bucket = s3::bucket().await;
    // Under the 10,000-byte length limit, so the row is refused for its language, quoting it.
    let huge = "x".repeat(9_000);
    let mut csv = String::from("employee_external_id,language,external_id,timestamp,course_id\n");
    for i in 0..1000 {
        // A language "code" of 9 KB: the rejection message quotes it.
        csv.push_str(&format!(
            "emp-1,{huge},ev-{i},2024-05-01T10:00:00Z,course-1\n"
        ));
    }
    s3::put(&bucket, "errors.csv", csv).await;
    let app = TestApp::start().await;
    let name = load(&app, &format!("s3://{bucket}/errors.csv")).await;
    let end = app.job_when_finished(&name, FIELDS).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["progress"]["rowsRejected"], 1000);
    let errors = end["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    assert_eq!(
        errors.len() as i64 + end["errorsDropped"].as_i64().unwrap(),
        1000
    );
    assert_eq!(errors[0]["line"], 2);
    assert!(errors
        .iter()
        .all(|e| e["message"].as_str().unwrap().len() < 1000
            && e["message"].as_str().unwrap().contains("bad language")));
    let stored = app
        .count(&format!(
            "MATCH (j:Job {{name: '{name}'}}) RETURN size(j.errors_json) AS n"
        ))
        .await;
    assert!(stored < 300 * 1024, "{stored} bytes of errors on the node");
}

#[tokio::test]
async fn two_runners_on_one_queue_never_run_the_same_job() {
    const JOBS: usize = 12;
    let (_, reg) = ce_server::start(0).await;
    reg.generate(20, Duration::from_millis(150));
    let db = common::fresh_database().await;
    let mut config = common::test_config(&db);
    registry_config(&mut config);
    config.jobs.concurrency = 1;
    let a = TestApp::start_on(config.clone()).await;
    let b = TestApp::start_on(config).await;
    let mut names = vec![];
    for k in 0..JOBS {
        let via = if k % 2 == 0 { &a } else { &b };
        names.push(import(via, &[reg.gen_uri(k)]).await);
    }
    let mut runners = HashSet::new();
    for name in &names {
        let end = a.job_when_finished(name, FIELDS).await;
        assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
        assert_eq!(end["attempts"], 1, "claimed once: {end:#}");
        runners.insert(end["runner"].as_str().unwrap().to_string());
    }
    let both: HashSet<String> = [a.state.jobs.owner(), b.state.jobs.owner()]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(runners, both, "both runners took jobs");
    for k in 0..JOBS {
        assert_eq!(
            reg.hits(&format!("/graph/ce-gen-{k}")),
            1,
            "framework {k} fetched once"
        );
    }
}

#[tokio::test]
async fn cancel_stops_a_running_file_load_mid_stream() {
    const ROWS: usize = 20_000;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "cancel.csv", s3::learning_csv(ROWS, 10, 3)).await;
    let app = TestApp::start_with(|c| c.file_load.batch_size = 200).await;
    let name = load(&app, &format!("s3://{bucket}/cancel.csv")).await;
    let q = "query($n:String!){ job(jobName:$n){ status progress { rowsLoaded } } }";
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let j = app.data(q, json!({"n": name})).await["job"].clone();
        if j["status"] == "ACTIVE" && j["progress"]["rowsLoaded"].as_i64() >= Some(200) {
            break;
        }
        assert!(Instant::now() < deadline, "the load never got going: {j:#}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let end = cancel_and_wait(&app, &name).await;
    let loaded = end["progress"]["rowsLoaded"].as_i64().unwrap();
    assert!(loaded < ROWS as i64, "{loaded}");
    // What was committed stays, and matches what the job says.
    let stored = app.count("MATCH (e:SkillEvent) RETURN count(e) AS n").await;
    assert_eq!(stored, loaded);
}

/// Statements the service sends per second over `window`.
async fn statement_rate(app: &TestApp, window: Duration) -> f64 {
    let (before, t) = (app.statements_sent().await, Instant::now());
    tokio::time::sleep(window).await;
    (app.statements_sent().await - before) as f64 / t.elapsed().as_secs_f64()
}

#[tokio::test]
async fn subscribers_of_a_job_share_one_poller_and_are_capped() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        registry_config(c);
        c.ingest.http_timeout_secs = 300;
        c.limits.max_subscriptions_per_connection = 60;
        c.limits.max_subscriptions_per_caller = 100;
    })
    .await;
    let name = import(&app, &[reg.uri("/resources/ce-hang")]).await;
    let sub = format!("subscription {{ jobUpdates(jobName: {name:?}) {{ name status }} }}");
    let first = |m: &serde_json::Value| {
        m["type"] == "next" && m["payload"]["data"]["jobUpdates"]["name"] == *name
    };

    // One subscriber: the database rate of one poller (and the job's own heartbeats).
    let mut one = common::ws::Connection::open(app.addr, json!({})).await;
    one.subscribe("0", &sub).await;
    assert!(first(&one.next_message(Duration::from_secs(10)).await));
    let rate_one = statement_rate(&app, Duration::from_millis(1500)).await;

    // Sixty on one connection and forty on another: the database sees the same rate.
    let mut sixty = common::ws::Connection::open(app.addr, json!({})).await;
    for i in 0..60 {
        sixty.subscribe(&i.to_string(), &sub).await;
    }
    for _ in 0..60 {
        let m = sixty.next_message(Duration::from_secs(10)).await;
        assert!(first(&m), "{m}");
    }
    let mut forty = common::ws::Connection::open(app.addr, json!({})).await;
    for i in 0..38 {
        forty.subscribe(&i.to_string(), &sub).await;
    }
    for _ in 0..38 {
        assert!(first(&forty.next_message(Duration::from_secs(10)).await));
    }
    let rate_hundred = statement_rate(&app, Duration::from_millis(1500)).await;
    assert!(
        rate_hundred < 2.0 * rate_one.max(5.0),
        "100 subscribers: {rate_hundred:.0} statements/s, one: {rate_one:.0}"
    );

    // The 61st on a connection, and the caller's 101st, are refused with a code (an error of
    // the field, as any resolver's).
    let refusal = |m: &serde_json::Value| {
        assert_eq!(m["type"], "next", "{m}");
        let e = &m["payload"]["errors"][0];
        assert_eq!(e["extensions"]["code"], "TOO_MANY_SUBSCRIPTIONS", "{m}");
        e["message"].as_str().unwrap().to_string()
    };
    sixty.subscribe("60", &sub).await;
    let why = refusal(&sixty.next_message(Duration::from_secs(10)).await);
    assert!(why.contains("connection already has 60"), "{why}");
    forty.subscribe("caller-100", &sub).await;
    assert!(first(&forty.next_message(Duration::from_secs(10)).await));
    forty.subscribe("caller-101", &sub).await;
    let why = refusal(&forty.next_message(Duration::from_secs(10)).await);
    assert!(why.contains("caller already has 100"), "{why}");
    // Ending one frees its place.
    sixty.complete("0").await;
    let mut admitted = false;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !admitted && Instant::now() < deadline {
        forty.subscribe("again", &sub).await;
        // A refusal is followed by `complete`.
        let mut m = forty.next_message(Duration::from_secs(10)).await;
        while m["type"] == "complete" {
            m = forty.next_message(Duration::from_secs(10)).await;
        }
        admitted = first(&m);
    }
    assert!(
        admitted,
        "a place freed by a completed subscription is taken again"
    );

    // Every subscriber still gets the job's end.
    let ended = cancel_and_wait(&app, &name).await;
    assert_eq!(ended["status"], "CANCELLED");
    let cancelled =
        |m: &serde_json::Value| m["payload"]["data"]["jobUpdates"]["status"] == "CANCELLED";
    let mut seen = 0;
    while seen < 59 {
        let m = sixty.next_message(Duration::from_secs(10)).await;
        seen += usize::from(cancelled(&m));
    }
    while !cancelled(&one.next_message(Duration::from_secs(10)).await) {}
}
