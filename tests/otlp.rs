//! Trace export over OTLP/HTTP (the `otlp` feature: `cargo test --features otlp --test otlp`):
//! a real service process sends its spans to a collector stand-in on loopback.
#![cfg(feature = "otlp")]
extern crate skillgraph_testkit as common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::post;
use common::process::Service;
use serde_json::json;

#[tokio::test]
async fn spans_are_exported_to_the_configured_collector() {
    let received: Arc<Mutex<Vec<Bytes>>> = Arc::default();
    let sink = received.clone();
    let collector = axum::Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                ""
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, collector).await.unwrap() });

    let db = common::fresh_database().await;
    let service = Service::start(&db, &[("SKILLGRAPH_OTLP_ENDPOINT", &endpoint)]).await;
    service
        .data("{ frameworks { nodes { name } } }", json!({}))
        .await;

    // The batch exporter sends within its schedule (5 s by default).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let bodies = received.lock().unwrap().clone();
        let all: Vec<u8> = bodies.iter().flat_map(|b| b.to_vec()).collect();
        let has = |needle: &[u8]| all.windows(needle.len()).any(|w| w == needle);
        if has(b"skillgraph") && has(b"request") && has(b"/graphql") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no request span exported ({} bodies)",
            bodies.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
