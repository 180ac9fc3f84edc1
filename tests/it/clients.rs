//! The GraphQL tools frontend teams use, from npm at the versions `tests/clients/package-lock.json`
//! pins, driven against a live service: graphql-ws, subscriptions-transport-ws, graphql-sse,
//! Apollo Client, GraphQL Code Generator (with `tsc --strict`), and GraphiQL in headless
//! Chromium. Each script in `tests/clients/` exits non-zero with a message when a check fails.
//! `scripts/test` installs the packages (`npm ci`) and Chromium first.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use common::{ce_server, TestApp};
use serde_json::json;

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// A service with two skills (Alpha aligned to Beta by two sources with different types), a
/// finished import job, and a registry serving one more framework to import.
struct Live {
    app: TestApp,
    job: String,
    import_uri: String,
    _registry: Arc<ce_server::Registry>,
}

async fn live() -> Live {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
    })
    .await;
    common::two_alignments_to_one_skill(app.graph(), "Alpha", "Beta").await;
    let started = app
        .data(
            common::IMPORT,
            json!({"u": [reg.uri("/resources/ce-fw-b")]}),
        )
        .await;
    let job = started["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let end = app.job_when_finished(&job, "status").await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    Live {
        import_uri: reg.uri("/resources/ce-fw-a"),
        app,
        job,
        _registry: reg,
    }
}

/// Runs `program args` in `tests/clients` against `live`; fails the test with its output unless
/// it exits 0.
async fn run(live: &Live, program: &str, args: &[&str]) -> String {
    let dir = clients_dir();
    assert!(
        dir.join("node_modules").is_dir(),
        "tests/clients/node_modules is missing: run `npm ci` there (scripts/test does)"
    );
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(&dir)
        .env("SKILLGRAPH_URL", live.app.url("/graphql"))
        .env("SKILLGRAPH_JOB", &live.job)
        .env("SKILLGRAPH_IMPORT_URI", &live.import_uri)
        .env("SKILLGRAPH_SCREENSHOT", artifacts.join("graphiql.png"));
    let what = format!("{program} {}", args.join(" "));
    // The service answers on this runtime's other threads while the client runs.
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_ws_subscribes_to_completion_and_gets_errors() {
    let live = live().await;
    let out = run(&live, "node", &["graphql-ws.mjs"]).await;
    assert!(out.contains("reaches the error callback"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_transport_ws_subscribes_to_completion() {
    let live = live().await;
    run(&live, "node", &["subscriptions-transport-ws.mjs"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_sse_subscribes_to_completion() {
    let live = live().await;
    run(&live, "node", &["graphql-sse.mjs"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apollo_client_queries_mutates_and_caches_right() {
    let live = live().await;
    run(&live, "node", &["apollo.mjs"]).await;
    let jobs = live
        .app
        .data(
            "{ jobs(type: CREDENTIAL_ENGINE_INGESTION) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        jobs["jobs"]["totalCount"], 2,
        "Apollo's mutation started a job"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn codegen_types_from_the_live_endpoint_compile_strictly() {
    let live = live().await;
    let generated = clients_dir().join("generated/graphql.ts");
    let _ = std::fs::remove_file(&generated);
    run(
        &live,
        "node_modules/.bin/graphql-codegen",
        &["--config", "codegen.yml"],
    )
    .await;
    let types = std::fs::read_to_string(&generated).unwrap();
    assert!(types.contains("export type SkillsQuery"), "{types}");
    run(
        &live,
        "node_modules/.bin/tsc",
        &[
            "--strict",
            "--noEmit",
            "--skipLibCheck",
            "--target",
            "es2022",
            "--moduleResolution",
            "bundler",
            "--module",
            "esnext",
            "use-generated.ts",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_runs_in_chromium_with_the_outside_blocked() {
    let live = live().await;
    let out = run(&live, "node", &["graphiql.mjs"]).await;
    assert!(out.contains("the docs panel lists"), "{out}");
}
