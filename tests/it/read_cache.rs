//! The read cache: repeated reads are answered without the database, and never stale after a
//! write made through the service, in this process or in another one on the same database.

use std::time::{Duration, Instant};

use common::process::Service;
use common::{ce_server, TestApp};
use serde_json::{json, Value};
use skillgraph::graph::writes::{self, FrameworkRow, SkillRow};
use skillgraph::model::{FrameworkProps, SkillProps};

const QUERY: &str = "{ skillConnection(first: 50) { totalCount nodes { name } } frameworks { nodes { name skillCount } } }";

fn names(d: &Value) -> Vec<String> {
    (d["skillConnection"]["nodes"].as_array().unwrap().iter())
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect()
}

async fn add_skill(app: &TestApp, name: &str) {
    let fw = FrameworkRow {
        uri: "urn:fw:cache".into(),
        props: FrameworkProps {
            name: Some("Cache framework".into()),
            ..Default::default()
        },
    };
    writes::upsert_frameworks(app.graph(), &[fw]).await.unwrap();
    let row = SkillRow {
        uri: format!("urn:s:{name}"),
        framework_uri: Some("urn:fw:cache".into()),
        props: SkillProps {
            name: Some(name.into()),
            ..Default::default()
        },
    };
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &[row])
        .await
        .unwrap();
}

/// Statements the service sends to answer `QUERY` once, and the answer.
async fn statements_for(app: &TestApp) -> (u64, Value) {
    let before = app.statements_sent().await;
    let d = app.data(QUERY, json!({})).await;
    (app.statements_sent().await - before, d)
}

#[tokio::test]
async fn a_repeated_read_is_served_from_the_cache_until_an_import_changes_the_graph() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        // Long enough that only the generation can make an answer fresh.
        c.cache.ttl_ms = 600_000;
        c.cache.refresh_ms = 600_000;
    })
    .await;
    add_skill(&app, "Before").await;
    let (cold, first) = statements_for(&app).await;
    assert!(
        cold >= 3,
        "the first answer reads the graph ({cold} statements)"
    );
    // The count is of every statement the app sends, its job poller's too (one every 200 ms):
    // of three repeats, an uncached one would send three statements each time.
    let mut warm = u64::MAX;
    for _ in 0..3 {
        let (sent, again) = statements_for(&app).await;
        assert_eq!(again, first);
        warm = warm.min(sent);
    }
    assert_eq!(warm, 0, "a repeat is answered from the cache");

    // An import job writes through the service: the next read sees it at once.
    let d = app
        .data(
            common::IMPORT,
            json!({"u": [reg.uri("/resources/ce-fw-b")]}),
        )
        .await;
    let name = d["importCredentialEngine"]["name"].as_str().unwrap();
    let job = app.job_when_finished(name, "status").await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    let (_, after) = statements_for(&app).await;
    assert_eq!(after["skillConnection"]["totalCount"], 3, "{after:#}");
    assert!(names(&after).contains(&"Information Systems".to_string()));

    // Hits are counted in the metrics.
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("skillgraph_read_cache_requests_total{result=\"hit\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn another_replica_sees_a_write_within_a_second() {
    let db = common::fresh_database().await;
    let writer = TestApp::start_on(common::test_config(&db)).await;
    add_skill(&writer, "Before").await;
    let reader = Service::start(&db, &[("SKILLGRAPH_READ_CACHE_TTL_MS", "600000")]).await;
    let first = reader.data(QUERY, json!({})).await;
    assert_eq!(names(&first), ["Before"]);
    let hits = |text: &str| {
        common::metric(text, "skillgraph_read_cache_requests_total{result=\"hit\"}").unwrap_or(0.0)
    };
    let metrics = || async {
        let resp = reqwest::get(reader.url("/metrics")).await.unwrap();
        resp.text().await.unwrap()
    };
    let before = hits(&metrics().await);
    assert_eq!(reader.data(QUERY, json!({})).await, first);
    assert_eq!(
        hits(&metrics().await),
        before + 1.0,
        "the repeat was a cache hit"
    );

    add_skill(&writer, "After").await;
    let written = Instant::now();
    loop {
        let now = reader.data(QUERY, json!({})).await;
        if names(&now) == ["After", "Before"] {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "the other replica still answers {now:#} a second after the write"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_cache_can_be_turned_off() {
    let app = TestApp::start_with(|c| c.cache.enabled = false).await;
    add_skill(&app, "Only").await;
    let (_, first) = statements_for(&app).await;
    let (again, second) = statements_for(&app).await;
    assert_eq!(first, second);
    assert!(
        again >= 3,
        "every read goes to the database ({again} statements)"
    );
}
