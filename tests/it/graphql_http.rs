//! GraphQL over HTTP and WebSocket as stock tools use it: introspection at the default limits,
//! GET, malformed requests, batches, persisted queries, compression, Server-Sent Events, the
//! embedded GraphiQL, global ids, and the protocol's `error` message for a rejected subscription.

use std::time::Duration;

use common::{ce_server, error_code, ws, TestApp};
use serde_json::{json, Value};

const INTROSPECTION: &str = include_str!("../fixtures/introspection.graphql");

/// `parentNodes` nested `n` times under `skills`.
fn nested(n: usize) -> String {
    format!(
        "{{ skills {{ {} name {} }} }}",
        "parentNodes(first: 1) { ".repeat(n),
        "}".repeat(n)
    )
}

#[tokio::test]
async fn the_standard_introspection_query_works_at_the_default_limits() {
    let app = TestApp::start().await;
    let limits = skillgraph::config::Config::from_env_and_defaults().limits;
    assert_eq!(
        app.state.config.limits.max_query_depth,
        limits.max_query_depth
    );
    assert_eq!(
        app.state.config.limits.max_query_complexity,
        limits.max_query_complexity
    );

    // graphql-js's own query (graphql 16, as GraphiQL and codegen send it): 13 levels deep.
    let body = app.gql(INTROSPECTION, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let types: Vec<&str> = body["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for t in ["Skill", "Job", "Node", "SkillConnection", "AlignedSkill"] {
        assert!(types.contains(&t), "{t} missing");
    }

    // The data limit still holds, and so does the introspection one.
    let deep = app.gql(&nested(limits.max_query_depth), json!({})).await;
    assert_eq!(error_code(&deep), "GRAPHQL_VALIDATION_FAILED");
    let ok = app
        .gql(&nested(limits.max_query_depth - 2), json!({}))
        .await;
    assert!(ok.get("errors").is_none(), "{ok:#}");
    let of_type = format!(
        "{{ __schema {{ types {{ {} name {} }} }} }}",
        "ofType { ".repeat(25),
        "}".repeat(25)
    );
    let too_deep = app.gql(&of_type, json!({})).await;
    assert_eq!(error_code(&too_deep), "GRAPHQL_VALIDATION_FAILED");
    assert!(too_deep["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Introspection"));
}

#[tokio::test]
async fn introspection_can_be_turned_off() {
    let app = TestApp::start_with(|c| c.limits.disable_introspection = true).await;
    let body = app.gql(INTROSPECTION, json!({})).await;
    assert_eq!(body["data"]["__schema"], Value::Null, "{body:#}");
    let data = app.data("{ skills { name } }", json!({})).await;
    assert_eq!(data["skills"], json!([]));
}

#[tokio::test]
async fn get_runs_queries_as_json_and_refuses_mutations() {
    let app = TestApp::start().await;
    let get = |query: &str| {
        app.http
            .get(app.url("/graphql"))
            .query(&[("query", query)])
            .header("accept", "application/json")
            .send()
    };
    let resp = get("{ skills { name } }").await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["skills"], json!([]));

    let resp = get("mutation { cancelJob(jobName: \"x\") { name } }")
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
    let jobs = app.data("{ jobs { totalCount } }", json!({})).await;
    assert_eq!(jobs["jobs"]["totalCount"], 0);

    // The response media type of the GraphQL-over-HTTP spec, when asked for.
    let resp = app
        .http
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({"query": "{ skills { name } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"],
        "application/graphql-response+json"
    );
}

#[tokio::test]
async fn malformed_requests_get_json_errors_with_codes_and_batches_are_bounded() {
    let app = TestApp::start().await;
    let post = |body: String| {
        app.http
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for bad in ["{not json".to_string(), "42".into(), "[]".into()] {
        let resp = post(bad.clone()).await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_REQUEST", "{bad}: {body:#}");
    }
    let one = json!({"query": "{ skills { name } }"});
    let resp = post(json!(vec![one.clone(); 11]).to_string())
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("1 to 10"));

    let two = json!([one, {"query": "query($n: String!) { job(jobName: $n) { name } }", "variables": {"n": "x"}}]);
    let resp = post(two.to_string()).await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    // Each operation of the batch is answered, with what it cost.
    let data: Vec<&Value> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["data"])
        .collect();
    assert_eq!(data, [&json!({"skills": []}), &json!({"job": null})]);
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|r| r["extensions"]["cost"]["requested"].as_u64() > Some(0)),
        "{body:#}"
    );
}

#[tokio::test]
async fn automatic_persisted_queries_are_stored_then_served_by_hash() {
    let app = TestApp::start().await;
    let query = "{ skills { name } }";
    let hash = {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(query.as_bytes()))
    };
    let ext = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let send = |body: Value| app.http.post(app.url("/graphql")).json(&body).send();
    let unknown: Value = send(json!({"extensions": ext}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        unknown["errors"][0]["message"], "PersistedQueryNotFound",
        "{unknown:#}"
    );
    assert_eq!(
        error_code(&unknown),
        "PERSISTED_QUERY_NOT_FOUND",
        "{unknown:#}"
    );
    let stored: Value = send(json!({"query": query, "extensions": ext}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["data"]["skills"], json!([]));
    let by_hash: Value = send(json!({"extensions": ext}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_hash, stored);
}

#[tokio::test]
async fn responses_are_compressed_as_the_client_accepts() {
    let app = TestApp::start().await;
    for encoding in ["gzip", "br"] {
        let resp = app
            .http
            .post(app.url("/graphql"))
            .header("accept-encoding", encoding)
            .json(&json!({"query": INTROSPECTION}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-encoding"], encoding);
        let compressed = resp.bytes().await.unwrap().len();
        assert!(compressed < 20_000, "{encoding}: {compressed} bytes");
    }
}

#[tokio::test]
async fn graphiql_loads_nothing_from_outside() {
    let app = TestApp::start().await;
    let resp = app
        .http
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let page = resp.text().await.unwrap();
    let refs: Vec<&str> = page
        .split(['"', '\''])
        .filter(|s| s.starts_with('/') || s.contains("://"))
        .collect();
    assert_eq!(refs.len(), 5, "{refs:?}");
    for r in refs {
        assert!(r.starts_with("/graphiql/"), "{r} is not served here");
        let asset = app.http.get(app.url(r)).send().await.unwrap();
        assert_eq!(asset.status(), 200, "{r}");
        let kind = asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("text/"), "{r}: {kind}");
        assert!(asset.bytes().await.unwrap().len() > 100, "{r}");
    }
    let missing = app
        .http
        .get(app.url("/graphiql/x.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn server_sent_events_carry_a_subscription_to_its_end() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
    })
    .await;
    let started = app
        .data(
            common::IMPORT,
            json!({"u": [reg.uri("/resources/ce-fw-a")]}),
        )
        .await;
    let name = started["importCredentialEngine"]["name"].clone();
    let resp = app
        .http
        .post(app.url("/graphql"))
        .header("accept", "text/event-stream")
        .json(&json!({
            "query": "subscription($n: String!) { jobUpdates(jobName: $n) { status finished } }",
            "variables": {"n": name}
        }))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    // The stream ends by itself after `complete`.
    let text = resp.text().await.unwrap();
    let events: Vec<(&str, &str)> = text
        .split("\n\n")
        .filter_map(|block| {
            let event = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .unwrap_or_default();
            Some((event, data.trim()))
        })
        .collect();
    let (last, _) = events.last().unwrap();
    assert_eq!(*last, "complete", "{text}");
    let nexts: Vec<Value> = events
        .iter()
        .filter(|(e, _)| *e == "next")
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    let end = &nexts.last().unwrap()["data"]["jobUpdates"];
    assert_eq!(end["status"], "SUCCEEDED", "{text}");
    assert_eq!(end["finished"], true);
}

#[tokio::test]
async fn a_subscription_that_fails_validation_gets_the_protocols_error_message() {
    let app = TestApp::start().await;
    let (items, ending) = ws::subscribe(
        app.addr,
        "subscription { jobUpdates(jobName: \"x\") { noSuchField } }",
        json!({}),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(ending, ws::Ending::Error, "{items:#?}");
    assert_eq!(
        items.last().unwrap()["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED",
        "{items:#?}"
    );
}

async fn node(app: &TestApp, id: Value) -> Value {
    app.data(
        "query($id: ID!) { node(id: $id) { __typename id ... on Skill { name } ... on Job { status } } }",
        json!({"id": id}),
    )
    .await["node"]
        .clone()
}

#[tokio::test]
async fn every_cacheable_object_has_a_global_id_and_edges_have_their_own() {
    let app = TestApp::start().await;
    common::two_alignments_to_one_skill(app.graph(), "A", "B").await;
    let data = app
        .data(
            "{ skills { id uuid name alignments { skillAlignment { source aligned { id uuid alignmentType skill { id } } } } } }",
            json!({}),
        )
        .await;
    let a = &data["skills"][0];
    let b = &data["skills"][1];
    assert_eq!(a["name"], "A");
    let groups = a["alignments"]["skillAlignment"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let edges: Vec<&Value> = groups.iter().map(|g| &g["aligned"][0]).collect();
    assert_ne!(edges[0]["id"], edges[1]["id"], "one id per edge");
    assert_ne!(edges[0]["id"], b["id"], "an edge's id is not its target's");
    for e in &edges {
        assert_eq!(e["uuid"], b["uuid"]);
        assert_eq!(e["skill"]["id"], b["id"]);
    }

    // node(id:) fetches each kind again.
    let again = node(&app, a["id"].clone()).await;
    assert_eq!(again["__typename"], "Skill");
    assert_eq!(again["name"], "A");
    assert_eq!(again["id"], a["id"]);
    let job = app
        .data(
            common::LOAD_TASK,
            common::load_task("s3://no-such-bucket-here/x.csv"),
        )
        .await;
    let job_name = job["createFileLoadTask"]["name"].as_str().unwrap();
    let job = app.job_when_finished(job_name, "id").await;
    let fetched = node(&app, job["id"].clone()).await;
    assert_eq!(fetched["__typename"], "Job");
    assert_eq!(fetched["status"], "FAILED");
    assert_eq!(node(&app, json!("Skill:no-such-uuid")).await, Value::Null);
    let bad = app
        .gql("{ node(id: \"nonsense\") { id } }", json!({}))
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}
