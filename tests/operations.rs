//! Operating the service: failing clearly when the database is down at start-up, and readiness
//! that follows the database (through a proxy the test pauses like a network dropping packets).
mod common;

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

#[tokio::test]
async fn readiness_and_queries_fail_fast_while_the_database_is_unreachable_and_recover() {
    let target = std::env::var("SKILLGRAPH_NEO4J_URI").unwrap_or_else(|_| "127.0.0.1:7687".into());
    let proxy = Proxy::start(target.trim_start_matches("bolt://").parse().unwrap()).await;
    let app = TestApp::start_with(|c| {
        c.db.uri = proxy.addr.to_string();
        c.db.statement_timeout_ms = 1500;
    })
    .await;
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
    let t = Instant::now();
    let body = app.gql("{ frameworks { name } }", json!({})).await;
    assert_eq!(
        common::error_code(&body),
        "DATABASE_UNAVAILABLE",
        "{body:#}"
    );
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());

    proxy.resume();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready().await.0 != 200 {
        assert!(Instant::now() < deadline, "readiness did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = app.gql("{ frameworks { name } }", json!({})).await;
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
