//! Who may call, and how much: API keys and JWTs, the three roles against every mutation, job
//! visibility, the REST routes and WebSocket connections under the same rules, body limits, and
//! the refusal to serve a public address without authentication.

use common::{ce_server, error_code, ws, TestApp};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};

const READER: &str = "reader-key-0123456789";
const EDITOR: &str = "editor-key-0123456789";
const OTHER_EDITOR: &str = "editor2-key-0123456789";
const ADMIN: &str = "admin-key-0123456789";
const HS256_SECRET: &str = "hs256-test-secret-0123456789";

fn with_keys(c: &mut skillgraph::config::Config) {
    c.auth.api_keys = [
        format!("rita:reader:{READER}"),
        format!("ed:editor:{EDITOR}"),
        format!("eve:editor:{OTHER_EDITOR}"),
        format!("ada:admin:{ADMIN}"),
    ]
    .into_iter()
    .map(Into::into)
    .collect();
    c.auth.jwt_hs256_secret = Some(HS256_SECRET.to_string().into());
    c.auth.jwt_audience = Some("skillgraph".into());
    c.auth.jwt_issuer = Some("https://idp.test".into());
    // The registries of this test, and a port where nothing listens (imports that must be
    // accepted or refused for who asks, not for where they point).
    c.ingest.ce_allowed_hosts = ce_server::allowed();
    c.ingest.ce_allowed_hosts.push("127.0.0.1:1".into());
    c.ingest.http_backoff_ms = 10;
}

/// POSTs a GraphQL request as `key` (None: no credentials); returns status and body.
async fn gql_as(app: &TestApp, key: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
    let mut req = app
        .http
        .post(app.url("/graphql"))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

#[tokio::test]
async fn every_mutation_needs_the_right_role() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(with_keys).await;
    let import = json!({"u": [reg.uri("/resources/ce-fw-b")]});
    let load = common::load_task("s3://no-such-bucket-here/x.csv");
    let cancel =
        "mutation { cancelJob(jobName: \"00000000-0000-0000-0000-000000000000\") { name } }";

    // No credentials: 401 for everything, queries included.
    for (q, v) in [
        (common::IMPORT, &import),
        (common::LOAD_TASK, &load),
        (cancel, &json!({})),
    ] {
        let (status, body) = gql_as(&app, None, q, v.clone()).await;
        assert_eq!(status, 401, "{body:#}");
        assert_eq!(code(&body), Some("UNAUTHENTICATED"));
    }
    let (status, _) = gql_as(&app, None, "{ skills { name } }", json!({})).await;
    assert_eq!(status, 401);
    let (status, body) = gql_as(&app, Some("not-a-key"), "{ skills { name } }", json!({})).await;
    assert_eq!((status, code(&body)), (401, Some("UNAUTHENTICATED")));

    // A reader reads, and may start nothing.
    let (status, body) = gql_as(&app, Some(READER), "{ skills { name } }", json!({})).await;
    assert_eq!((status, body.get("errors")), (200, None), "{body:#}");
    for (q, v) in [
        (common::IMPORT, &import),
        (common::LOAD_TASK, &load),
        (cancel, &json!({})),
    ] {
        let (_, body) = gql_as(&app, Some(READER), q, v.clone()).await;
        assert_eq!(code(&body), Some("FORBIDDEN"), "{q}: {body:#}");
    }
    // The role is checked before the input: a reader learns nothing from its errors.
    let bad_load = common::load_task("https://not-s3/x.csv");
    let (_, body) = gql_as(&app, Some(READER), common::LOAD_TASK, bad_load).await;
    assert_eq!(code(&body), Some("FORBIDDEN"), "{body:#}");

    // Editors and admins start jobs, recorded as theirs.
    for (key, name) in [(EDITOR, "ed"), (ADMIN, "ada")] {
        let (_, body) = gql_as(
            &app,
            Some(key),
            "mutation($u:[String!]!){ importCredentialEngine(competencyFrameworks:$u){ createdBy } }",
            import.clone(),
        )
        .await;
        assert_eq!(
            body["data"]["importCredentialEngine"]["createdBy"], name,
            "{body:#}"
        );
        let (_, body) = gql_as(
            &app,
            Some(key),
            "mutation($i: FileLoadTaskInput!){ createFileLoadTask(input: $i){ createdBy } }",
            load.clone(),
        )
        .await;
        assert_eq!(
            body["data"]["createFileLoadTask"]["createdBy"], name,
            "{body:#}"
        );
        let (_, body) = gql_as(&app, Some(key), cancel, json!({})).await;
        assert_eq!(code(&body), Some("NOT_FOUND"), "{body:#}");
    }
}

async fn start_hanging_import(app: &TestApp, reg: &ce_server::Registry, key: &str) -> String {
    let (_, body) = gql_as(
        app,
        Some(key),
        common::IMPORT,
        json!({"u": [reg.uri("/resources/ce-hang")]}),
    )
    .await;
    body["data"]["importCredentialEngine"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("{body:#}"))
        .to_string()
}

#[tokio::test]
async fn callers_see_and_cancel_their_own_jobs_and_admins_all() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        with_keys(c);
        c.ingest.http_timeout_secs = 300;
    })
    .await;
    let mine = start_hanging_import(&app, &reg, EDITOR).await;
    let theirs = start_hanging_import(&app, &reg, OTHER_EDITOR).await;
    let list = "{ jobs { totalCount nodes { name createdBy input } } }";

    let (_, ed) = gql_as(&app, Some(EDITOR), list, json!({})).await;
    assert_eq!(ed["data"]["jobs"]["totalCount"], 1, "{ed:#}");
    assert_eq!(ed["data"]["jobs"]["nodes"][0]["name"], mine);
    assert!(ed["data"]["jobs"]["nodes"][0]["input"].is_object());
    let (_, rita) = gql_as(&app, Some(READER), list, json!({})).await;
    assert_eq!(rita["data"]["jobs"]["totalCount"], 0, "{rita:#}");
    let (_, ada) = gql_as(&app, Some(ADMIN), list, json!({})).await;
    assert_eq!(ada["data"]["jobs"]["totalCount"], 2, "{ada:#}");
    assert!(ada["data"]["jobs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|j| j["input"]["competency_frameworks"].is_array()));

    // Another editor's job cannot be read or cancelled; it keeps running.
    let job_q = "query($n:String!){ job(jobName:$n){ status } }";
    let (_, seen) = gql_as(&app, Some(EDITOR), job_q, json!({"n": theirs})).await;
    assert_eq!(seen["data"]["job"], Value::Null);
    let cancel = "mutation($n:String!){ cancelJob(jobName:$n){ status cancelRequested } }";
    let (_, refused) = gql_as(&app, Some(EDITOR), cancel, json!({"n": theirs})).await;
    assert_eq!(code(&refused), Some("NOT_FOUND"), "{refused:#}");
    let (_, still) = gql_as(&app, Some(ADMIN), job_q, json!({"n": theirs})).await;
    assert_ne!(still["data"]["job"]["status"], "CANCELLED");

    // Every other path to a job follows the same rule: `node`, `jobUpdates`, and REST.
    let node_q = "query($id:ID!){ node(id:$id){ ... on Job { name status createdBy } } }";
    for (key, id, seen) in [
        (EDITOR, &theirs, false),
        (READER, &theirs, false),
        (EDITOR, &mine, true),
        (ADMIN, &theirs, true),
    ] {
        let (_, body) = gql_as(&app, Some(key), node_q, json!({"id": format!("Job:{id}")})).await;
        assert_eq!(
            body["data"]["node"]["name"] == **id,
            seen,
            "{key}: {body:#}"
        );
        let rest = app
            .http
            .get(app.url(&format!(
                "/skill-service/api/v1/jobs/credential_engine_ingestion/{id}"
            )))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(rest.status() == 200, seen, "{key}: REST {id}");
        if !seen {
            // The subscription of a visible job runs until the job ends: only the refusal here.
            let sub = format!("subscription {{ jobUpdates(jobName: {id:?}) {{ name }} }}");
            let (items, ending) = ws::subscribe_with_payload(
                app.addr,
                &sub,
                json!({"Authorization": format!("Bearer {key}")}),
            )
            .await;
            assert_eq!(error_code(&items[0]), "NOT_FOUND", "{items:#?} {ending:?}");
        }
    }

    // Its own, and an admin any.
    let (_, own) = gql_as(&app, Some(EDITOR), cancel, json!({"n": mine})).await;
    assert_eq!(own["data"]["cancelJob"]["cancelRequested"], true, "{own:#}");
    let (_, any) = gql_as(&app, Some(ADMIN), cancel, json!({"n": theirs})).await;
    assert_eq!(any["data"]["cancelJob"]["cancelRequested"], true, "{any:#}");
}

/// The token is refused: 401 with `UNAUTHENTICATED`.
async fn assert_unauthenticated(app: &TestApp, token: &str, query: &str, why: &str) {
    let (status, body) = gql_as(app, Some(token), query, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (401, Some("UNAUTHENTICATED")),
        "{why}: {body:#}"
    );
}

fn token(claims: Value, key: &EncodingKey, header: Header) -> String {
    encode(&header, &claims, key).unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn jwts_are_checked_for_signature_expiry_issuer_and_audience() {
    let app = TestApp::start_with(with_keys).await;
    let hs = EncodingKey::from_secret(HS256_SECRET.as_bytes());
    let claims = |exp: i64, aud: &str, role: &str| json!({"sub": "fran", "role": role, "exp": exp, "aud": aud, "iss": "https://idp.test"});
    let q = "mutation { cancelJob(jobName: \"x\") { name } }";
    let good = token(
        claims(now() + 300, "skillgraph", "editor"),
        &hs,
        Header::default(),
    );
    let (status, body) = gql_as(&app, Some(&good), q, json!({})).await;
    assert_eq!((status, code(&body)), (200, Some("NOT_FOUND")), "{body:#}");
    let reader = token(
        claims(now() + 300, "skillgraph", "reader"),
        &hs,
        Header::default(),
    );
    let (_, body) = gql_as(&app, Some(&reader), q, json!({})).await;
    assert_eq!(code(&body), Some("FORBIDDEN"));

    let wrong = EncodingKey::from_secret(b"another-secret-0123456789");
    for (why, t) in [
        (
            "expired",
            token(
                claims(now() - 300, "skillgraph", "admin"),
                &hs,
                Header::default(),
            ),
        ),
        (
            "wrong audience",
            token(
                claims(now() + 300, "other-app", "admin"),
                &hs,
                Header::default(),
            ),
        ),
        (
            "wrong signature",
            token(
                claims(now() + 300, "skillgraph", "admin"),
                &wrong,
                Header::default(),
            ),
        ),
        (
            "no role",
            token(
                json!({"sub": "x", "exp": now() + 300, "aud": "skillgraph", "iss": "https://idp.test"}),
                &hs,
                Header::default(),
            ),
        ),
    ] {
        assert_unauthenticated(&app, &t, q, why).await;
    }
}

#[tokio::test]
async fn jwts_signed_by_the_identity_providers_published_keys() {
    // The identity provider's JWKS, served over HTTP.
    let jwks: Value = serde_json::from_str(include_str!("../fixtures/jwt/jwks.json")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let jwks_url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || async move { axum::Json(jwks) }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    let app = TestApp::start_with(|c| {
        with_keys(c);
        c.auth.jwt_jwks_url = Some(jwks_url.clone());
    })
    .await;
    let known = EncodingKey::from_rsa_der(include_bytes!("../fixtures/jwt/known.der"));
    let unknown = EncodingKey::from_rsa_der(include_bytes!("../fixtures/jwt/unknown.der"));
    let claims = json!({"sub": "gil", "role": "admin", "exp": now() + 300, "aud": "skillgraph", "iss": "https://idp.test"});
    let header = |kid: &str| Header {
        kid: Some(kid.into()),
        ..Header::new(jsonwebtoken::Algorithm::RS256)
    };
    let q = "{ jobs { totalCount } }";
    let good = token(claims.clone(), &known, header("known-1"));
    let (status, body) = gql_as(&app, Some(&good), q, json!({})).await;
    assert_eq!(status, 200, "{body:#}");
    for (why, t) in [
        (
            "unknown key id",
            token(claims.clone(), &unknown, header("other-9")),
        ),
        (
            "known id, other key",
            token(claims.clone(), &unknown, header("known-1")),
        ),
    ] {
        assert_unauthenticated(&app, &t, q, why).await;
    }
}

#[tokio::test]
async fn rest_routes_and_websockets_follow_the_same_rules() {
    let app = TestApp::start_with(with_keys).await;
    let post = |key: Option<&'static str>| {
        let mut req = app
            .http
            .post(app.url("/skill-service/api/v1/import/credential-engine"))
            .json(&json!({"competency_frameworks": ["http://127.0.0.1:1/resources/x"]}));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send()
    };
    let resp = post(None).await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    let resp = post(Some(READER)).await.unwrap();
    assert_eq!(resp.status(), 403);
    let resp = post(Some(EDITOR)).await.unwrap();
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
    let resp = app
        .http
        .get(app.url("/skill-service/api/v1/skills"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // WebSocket: credentials in connection_init; without them the connection is refused.
    let q = "subscription { jobUpdates(jobName: \"x\") { status } }";
    let refused = ws::connect_with_payload(app.addr, json!({})).await;
    assert!(refused.is_err(), "{refused:?}");
    let (items, ending) = ws::subscribe_with_payload(
        app.addr,
        q,
        json!({"Authorization": format!("Bearer {READER}")}),
    )
    .await;
    assert_eq!(error_code(&items[0]), "NOT_FOUND", "{items:#?} {ending:?}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_with_json() {
    let app = TestApp::start().await;
    let big = format!(
        "{{\"query\": \"{{ skills {{ name }} }}\", \"variables\": {{\"pad\": \"{}\"}}}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let resp = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE");
    let resp = app
        .http
        .post(app.url("/integrations/file-load-tasks"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    // The service is fine afterwards.
    let data = app.data("{ skills { name } }", json!({})).await;
    assert_eq!(data["skills"], json!([]));
}

#[test]
fn an_open_service_refuses_a_public_address() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args(["serve", "--bind", "0.0.0.0:0"])
        .env_remove("SKILLGRAPH_API_KEYS")
        .env_remove("SKILLGRAPH_ALLOW_ANONYMOUS")
        .env("SKILLGRAPH_DB_STARTUP_TIMEOUT_MS", "1000")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to serve 0.0.0.0:0"), "{stderr}");
}

#[tokio::test]
async fn pages_on_other_sites_cannot_act_through_a_browser() {
    let app = TestApp::start_with(|c| {
        with_keys(c);
        c.auth.cors_origins = vec!["https://app.example.com".into()];
    })
    .await;
    let mutation = json!({"query": "mutation { importCredentialEngine(competencyFrameworks: [\"http://127.0.0.1:1/resources/x\"]) { name } }"});
    // What a form or `fetch(..., {mode: 'no-cors'})` on another site can send: no preflight.
    for kind in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let resp = app
            .http
            .post(app.url("/graphql"))
            .header("origin", "https://evil.example")
            .header("content-type", kind)
            .bearer_auth(ADMIN)
            .body(mutation.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{kind}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_REQUEST", "{kind}");
        let resp = app
            .http
            .post(app.url("/skill-service/api/v1/import/credential-engine"))
            .header("content-type", kind)
            .bearer_auth(ADMIN)
            .body(r#"{"competency_frameworks": ["http://127.0.0.1:1/resources/x"]}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "REST {kind}");
    }
    let (_, jobs) = gql_as(&app, Some(ADMIN), "{ jobs { totalCount } }", json!({})).await;
    assert_eq!(jobs["data"]["jobs"]["totalCount"], 0, "nothing was started");

    // CORS answers the configured origin only.
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let ok = preflight("https://app.example.com").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let foreign = preflight("https://evil.example").await.unwrap();
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // A WebSocket opened by a page on another site is refused; the configured one is not.
    let upgrade = |origin: &'static str| async move {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{}/graphql", app.addr)
            .into_client_request()
            .unwrap();
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        req.headers_mut().insert("Origin", origin.parse().unwrap());
        tokio_tungstenite::connect_async(req).await.map(|_| ())
    };
    assert!(upgrade("https://evil.example").await.is_err());
    assert!(upgrade("https://app.example.com").await.is_ok());
}

#[tokio::test]
async fn an_open_service_answers_only_its_own_host_names() {
    // No credentials (open, admin to every local caller): a page on a domain rebound to
    // 127.0.0.1 sends its own name as Host, and its own origin.
    let app = TestApp::start_with(|c| {
        c.auth.allowed_hosts = vec!["devbox.internal".into()];
        c.ingest.ce_allowed_hosts.push("127.0.0.1:1".into());
    })
    .await;
    let port = app.addr.port();
    let mutation = json!({"query": "mutation { importCredentialEngine(competencyFrameworks: [\"http://127.0.0.1:1/resources/x\"]) { name } }"});
    let post = |host: String| {
        app.http
            .post(app.url("/graphql"))
            .header("host", host.clone())
            .header("origin", format!("http://{host}"))
            .json(&mutation)
            .send()
    };
    let resp = post(format!("attacker.example:{port}")).await.unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), "FORBIDDEN_HOST", "{body:#}");
    let resp = app
        .http
        .get(app.url("/skill-service/api/v1/skills"))
        .header("host", format!("attacker.example:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false, "{body:#}");
    let data = app.data("{ jobs { totalCount } }", json!({})).await;
    assert_eq!(data["jobs"]["totalCount"], 0, "nothing was started");

    let upgrade = |host: String| async move {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = format!("ws://{}/graphql", app.addr)
            .into_client_request()
            .unwrap();
        let h = req.headers_mut();
        h.insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        h.insert("Host", host.parse().unwrap());
        h.insert("Origin", format!("http://{host}").parse().unwrap());
        tokio_tungstenite::connect_async(req).await.map(|_| ())
    };
    assert!(upgrade(format!("attacker.example:{port}")).await.is_err());
    assert!(upgrade(format!("localhost:{port}")).await.is_ok());

    // Loopback names and the configured one are served.
    for host in [
        format!("localhost:{port}"),
        format!("devbox.internal:{port}"),
    ] {
        let resp = post(host.clone()).await.unwrap();
        assert_eq!(resp.status(), 200, "{host}");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["data"]["importCredentialEngine"]["name"].is_string(),
            "{body:#}"
        );
    }
    let data = app.data("{ jobs { totalCount } }", json!({})).await;
    assert_eq!(data["jobs"]["totalCount"], 2);

    // With credentials configured, the Host is not what protects the service.
    let keyed = TestApp::start_with(with_keys).await;
    let resp = keyed
        .http
        .get(keyed.url("/skill-service/api/v1/skills"))
        .header("host", "attacker.example")
        .bearer_auth(READER)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn nested_lists_cost_what_they_can_return() {
    use skillgraph::graph::writes::{self, ChildEdges, SkillRow};
    // A process of its own, so the memory measured is this query's alone.
    let db = common::fresh_database().await;
    let app = common::process::Service::start(&db, &[]).await;
    let g = &common::connect(&db).await;
    // One skill with 300 children, as in the attack that took the process to its memory cap.
    let skill = |i: usize| SkillRow {
        uri: format!("urn:n:{i}"),
        framework_uri: None,
        props: skillgraph::model::SkillProps {
            name: Some(format!("N {i:03}")),
            ..Default::default()
        },
    };
    let rows: Vec<SkillRow> = (0..=300).map(skill).collect();
    writes::upsert_skills(g, &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    let edges: Vec<ChildEdges> = (1..=300)
        .map(|i| ChildEdges {
            child: format!("urn:n:{i}"),
            parents: vec!["urn:n:0".into()],
        })
        .collect();
    writes::set_parents(g, &writes::ImportLog::unrecorded(), &edges)
        .await
        .unwrap();
    let uuid =
        app.data("{ skills(limit: 1) { uuid } }", json!({})).await["skills"][0]["uuid"].clone();

    let before = app.peak_rss_mib();
    let down_up = format!(
        "query($u: ID!) {{ skill(uuid: $u) {{ {} name {} }} }}",
        "childNodes { parentNodes { ".repeat(4),
        "} }".repeat(4)
    );
    let body = app.gql(&down_up, json!({"u": uuid})).await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("complex"));
    let grown = app.peak_rss_mib().saturating_sub(before);
    assert!(grown < 50, "the service's peak memory grew by {grown} MiB");

    // A nested list gives at most `first` items, and `first` is bounded.
    let one_level = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { childNodes(first: 100) { name } } }",
            json!({"u": uuid}),
        )
        .await;
    assert_eq!(
        one_level["skill"]["childNodes"].as_array().unwrap().len(),
        100
    );
    let body = app
        .gql(
            "query($u: ID!) { skill(uuid: $u) { childNodes(first: 300) { name } } }",
            json!({"u": uuid}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn aliases_and_expanded_fields_are_limited() {
    let app = TestApp::start().await;
    // 500 aliases of a text-filtered count: each cheap alone, ruinous together.
    let aliases: String = (0..500)
        .map(|i| {
            format!("a{i}: skillConnection(first: 0, filter: {{text: \"x{i}\"}}) {{ totalCount }} ")
        })
        .collect();
    let body = app.gql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("root fields"));
    // Twenty are fine.
    let twenty: String = (0..20)
        .map(|i| format!("a{i}: skillConnection(first: 0) {{ totalCount }} "))
        .collect();
    let data = app.data(&format!("{{ {twenty} }}"), json!({})).await;
    assert_eq!(data["a19"]["totalCount"], 0);
    // A fragment that doubles at every level is refused without being expanded.
    let mut q = String::from("query { ...F30 } fragment F0 on SkillEdge { cursor }");
    for i in 1..=30 {
        q.push_str(&format!(
            " fragment F{i} on SkillEdge {{ a: node {{ __typename }} ...F{p} b: cursor ...F{p} }}",
            p = i - 1
        ));
    }
    let started = std::time::Instant::now();
    let body = app.gql(&q, json!({})).await;
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn counts_and_text_filters_cost_their_scans_not_their_page() {
    let app = TestApp::start_with(|c| c.limits.max_query_complexity = 1000).await;
    let complexity_refused = |body: &Value| {
        error_code(body) == "GRAPHQL_VALIDATION_FAILED"
            && body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("complex"))
    };
    // Ten text-filtered counts: ten scans, over the limit though each selects one field.
    let ten: String = (0..10)
        .map(|i| {
            format!("a{i}: skillConnection(first: 0, filter: {{text: \"x{i}\"}}) {{ totalCount }} ")
        })
        .collect();
    let body = app.gql(&format!("{{ {ten} }}"), json!({})).await;
    assert!(complexity_refused(&body), "{body:#}");
    // Five are within it.
    let five: String = (0..5)
        .map(|i| {
            format!("a{i}: skillConnection(first: 0, filter: {{text: \"x{i}\"}}) {{ totalCount }} ")
        })
        .collect();
    let data = app.data(&format!("{{ {five} }}"), json!({})).await;
    assert_eq!(data["a4"]["totalCount"], 0);
    // A full page with its count: the count is paid once, not once per item.
    let data = app
        .data(
            "{ skillConnection(first: 100) { totalCount nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["skillConnection"]["totalCount"], 0);
}

#[tokio::test]
async fn each_caller_has_its_own_rates_of_query_cost_and_mutations() {
    let app = TestApp::start_with(|c| {
        with_keys(c);
        // A bucket of 1,000 (the largest query), refilled at one unit a second.
        c.limits.max_query_complexity = 1000;
        c.limits.rate_cost_per_second = 1;
        c.limits.rate_mutations_per_minute = 1;
        // Answers from the read cache cost no database work and are not charged: the same
        // query repeated would never be limited.
        c.cache.enabled = false;
    })
    .await;
    // Each costs 250: a hundred nodes at 2 (the node and its name), and the count once (50).
    let page = "{ skillConnection(first: 100) { totalCount nodes { name } } }";
    let mut served = 0;
    let refused = loop {
        let resp = app
            .http
            .post(app.url("/graphql"))
            .bearer_auth(READER)
            .json(&json!({"query": page}))
            .send()
            .await
            .unwrap();
        if resp.status() == 429 {
            break resp;
        }
        assert_eq!(resp.status(), 200);
        served += 1;
        assert!(served <= 10, "never limited");
    };
    assert_eq!(served, 4, "the bucket holds four");
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The next 250 units refill at one a second.
    assert!((240..=250).contains(&wait), "Retry-After {wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(code(&body), Some("RATE_LIMITED"), "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], wait);
    // Another caller is served meanwhile.
    let (status, body) = gql_as(&app, Some(ADMIN), page, json!({})).await;
    assert_eq!((status, body.get("errors")), (200, None), "{body:#}");

    // One mutation a minute: the second is refused, over GraphQL and REST alike.
    let import = json!({"u": ["http://127.0.0.1:1/resources/x"]});
    let (_, first) = gql_as(&app, Some(EDITOR), common::IMPORT, import.clone()).await;
    assert!(
        first["data"]["importCredentialEngine"]["name"].is_string(),
        "{first:#}"
    );
    let (_, second) = gql_as(&app, Some(EDITOR), common::IMPORT, import).await;
    assert_eq!(code(&second), Some("RATE_LIMITED"), "{second:#}");
    let rest = app
        .http
        .post(app.url("/skill-service/api/v1/import/credential-engine"))
        .bearer_auth(EDITOR)
        .json(&json!({"competency_frameworks": ["http://127.0.0.1:1/resources/x"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 429);
    assert!(rest.headers().contains_key("retry-after"));
    let rest: Value = rest.json().await.unwrap();
    assert_eq!(rest["success"], false, "{rest:#}");
}

#[tokio::test]
async fn documents_with_too_many_tokens_and_responses_too_large_are_refused() {
    let app = TestApp::start_with(|c| {
        c.limits.max_query_tokens = 1000;
        c.limits.max_response_bytes = 4096;
    })
    .await;
    // 1,200 tokens in 2.4 KB: refused before it is parsed.
    let many = format!("{{ __typename(x: [{}]) }}", "1,".repeat(1200));
    let body = app.gql(&many, json!({})).await;
    assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED", "{body:#}");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("over 1000 tokens"));
    // Bytes are not tokens: a long string is one.
    let long = format!(
        "{{ a: __typename b: skills(filter: {{text: \"{}\"}}) {{ name }} }}",
        "y".repeat(3000)
    );
    let data = app.data(&long, json!({})).await;
    assert_eq!(data["a"], "QueryRoot");

    // The schema's type list is over 4 KiB: replaced by an error saying so.
    let body = app
        .gql("{ __schema { types { name description } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "RESPONSE_TOO_LARGE", "{body:#}");
    assert!(body.get("data").is_none());
    let small = app
        .data("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(small["__schema"]["queryType"]["name"], "QueryRoot");
}

/// Brackets nested thousands deep (list literals, input objects, variable defaults) overflowed
/// the parser's stack and aborted the process; now each is refused before anything parses it,
/// by POST and over WebSocket, and the service goes on answering.
#[tokio::test]
async fn deeply_nested_brackets_are_refused_and_the_process_lives() {
    let app = TestApp::start().await;
    let n = 3000;
    let lists = format!("{{ __typename(a: {}1{}) }}", "[".repeat(n), "]".repeat(n));
    let objects = format!(
        "{{ __typename(a: {}1{}) }}",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    let default = format!(
        "query($v: Int = {}1{}) {{ __typename }}",
        "[".repeat(n),
        "]".repeat(n)
    );
    for doc in [&lists, &objects, &default] {
        let body = app.gql(doc, json!({})).await;
        assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED", "{body:#}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("nests brackets over 100 deep"),
            "{body:#}"
        );
    }
    let sub = format!(
        "subscription {{ jobUpdates(jobName: {}\"x\"{}) {{ status }} }}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let (items, ending) = ws::subscribe(
        app.addr,
        &sub,
        json!({}),
        std::time::Duration::from_secs(30),
    )
    .await;
    assert!(matches!(ending, ws::Ending::Error), "{items:?}");
    // Still serving; an ordinary nested query passes.
    let ok = app
        .data("{ a: __typename b: skills(limit: 1) { name } }", json!({}))
        .await;
    assert_eq!(ok["a"], "QueryRoot");
}
