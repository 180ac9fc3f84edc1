//! The harness of the integration tests (`tests/it/`) and the benchmarks (`benches/`): a fresh
//! database on the real Bolt server per test, the service in-process on a loopback port or as a
//! process of its own, a GraphQL-over-HTTP and WebSocket client, the test S3 server, a recorded
//! Credential Engine Registry, and a proxy that can take the database away.

pub mod bench;
pub mod ce_server;
pub mod process;
pub mod proxy;
pub mod s3;
pub mod ws;

use std::net::SocketAddr;

use serde_json::{json, Value};
use skillgraph::api::AppState;
use skillgraph::config::Config;
use skillgraph::graph::Graph;

/// The `skillgraph` binary cargo built beside the running test or benchmark (both live in
/// `target/<profile>/deps/`; cargo builds a package's binaries for its tests and benches).
pub(crate) fn service_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps/<test>");
    profile.join("skillgraph")
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    pub database: String,
}

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The database server the tests run against (`SKILLGRAPH_TEST_ENGINE`): Neo4j, the production
/// database, unless `arcadedb` is asked for. `scripts/test` runs the integration suite on both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Neo4j,
    ArcadeDb,
}

pub fn engine() -> Engine {
    match std::env::var("SKILLGRAPH_TEST_ENGINE").as_deref() {
        Ok("arcadedb") => Engine::ArcadeDb,
        Ok("neo4j") | Err(_) => Engine::Neo4j,
        Ok(other) => panic!("SKILLGRAPH_TEST_ENGINE={other}: neo4j or arcadedb"),
    }
}

/// The test database server's user and password.
pub fn db_user() -> String {
    let default = match engine() {
        Engine::Neo4j => "neo4j",
        Engine::ArcadeDb => "root",
    };
    env("SKILLGRAPH_NEO4J_USER", default)
}

pub fn db_password() -> String {
    env("SKILLGRAPH_NEO4J_PASSWORD", "skillgraph-test")
}

/// A request to the test database server's admin API, at `path`: the Neo4j launcher's
/// (`neo4j-launcher/`: test databases, plans) or ArcadeDB's HTTP API under `/api/v1/`.
pub fn admin(method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    let url = match engine() {
        Engine::Neo4j => {
            let base = env("SKILLGRAPH_TEST_ADMIN_URL", "http://127.0.0.1:7475");
            format!("{base}/{path}")
        }
        Engine::ArcadeDb => {
            let base = env("SKILLGRAPH_TEST_ADMIN_URL", "http://127.0.0.1:2480");
            format!("{base}/api/v1/{path}")
        }
    };
    reqwest::Client::new()
        .request(method, url)
        .basic_auth(db_user(), Some(db_password()))
}

/// Bolt addresses of the databases this test process created, by name: on Neo4j each test
/// database is a database service of its own, on a port of its own.
static ADDRESSES: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
    std::sync::LazyLock::new(Default::default);

/// Creates an empty database for one test so tests can run in parallel and count exactly.
/// Neo4j Community has one user database per server, so there the launcher hands out a server
/// of its own (started ahead); ArcadeDB creates a database on its one server.
pub async fn fresh_database() -> String {
    fresh_database_with(None).await
}

/// The page cache of a benchmark's Neo4j database: room for the largest graph a benchmark
/// builds by default, as a production server would have.
pub const BENCH_PAGECACHE: &str = "2g";

/// Like [`fresh_database`]; on Neo4j with a page cache of `pagecache` (e.g. `1g`) instead of the
/// test databases' 16 MiB, for benchmarks.
pub async fn fresh_database_with(pagecache: Option<&str>) -> String {
    match engine() {
        Engine::Neo4j => {
            let path = match pagecache {
                Some(size) => format!("databases?pagecache={size}"),
                None => "databases".to_string(),
            };
            let resp = admin(reqwest::Method::POST, &path)
                .send()
                .await
                .expect("Neo4j launcher not reachable: run scripts/test-env");
            let status = resp.status();
            let body: Value = resp.json().await.unwrap();
            assert!(status.is_success(), "create database: {body}");
            let name = body["name"].as_str().unwrap().to_string();
            let uri = body["uri"].as_str().unwrap().to_string();
            ADDRESSES.lock().unwrap().insert(name.clone(), uri);
            name
        }
        Engine::ArcadeDb => {
            let name = format!("t{}", uuid::Uuid::new_v4().simple());
            let resp = admin(reqwest::Method::POST, "server")
                .json(&json!({ "command": format!("create database {name}") }))
                .send()
                .await
                .expect("ArcadeDB not reachable: run scripts/test-env");
            assert!(
                resp.status().is_success(),
                "create database: {}",
                resp.text().await.unwrap()
            );
            name
        }
    }
}

/// The Bolt address (`host:port`) that serves `database`: its own server on Neo4j, the one
/// test server (`SKILLGRAPH_NEO4J_URI`) on ArcadeDB.
pub fn bolt_uri(database: &str) -> String {
    let own = ADDRESSES.lock().unwrap().get(database).cloned();
    own.unwrap_or_else(|| {
        let default = match engine() {
            Engine::Neo4j => "127.0.0.1:7687",
            Engine::ArcadeDb => "127.0.0.1:7689",
        };
        env("SKILLGRAPH_NEO4J_URI", default)
    })
}

pub fn test_config(database: &str) -> Config {
    let mut config = Config::from_env_and_defaults();
    config.db.uri = bolt_uri(database);
    config.db.user = db_user();
    config.db.password = db_password().into();
    config.db.database = database.to_string();
    config.db.max_connections = 8;
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.file_load.s3_endpoint = Some(s3::endpoint());
    // Short job timings, so takeovers and cancels happen quickly in tests.
    config.jobs.lease_ms = 2000;
    config.jobs.heartbeat_ms = 200;
    config.jobs.poll_ms = 200;
    config.jobs.watch_ms = 100;
    config
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let database = fresh_database().await;
        let mut config = test_config(&database);
        tweak(&mut config);
        Self::start_on(config).await
    }

    /// Starts (or restarts) the service on an existing database.
    pub async fn start_on(config: Config) -> Self {
        Self::start_on_with(config, |_| {}).await
    }

    /// Like [`start_on`](Self::start_on), with job handlers replaced by `handlers`.
    pub async fn start_on_with(
        config: Config,
        handlers: impl FnOnce(&mut skillgraph::jobs::Handlers),
    ) -> Self {
        let database = config.db.database.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = skillgraph::server::prepare_with(config, handlers)
            .await
            .expect("service starts");
        let serve_state = state.clone();
        tokio::spawn(async move {
            skillgraph::server::serve(serve_state, listener, std::future::pending())
                .await
                .unwrap()
        });
        Self {
            addr,
            state,
            http: reqwest::Client::new(),
            database,
        }
    }

    pub fn graph(&self) -> &Graph {
        &self.state.graph
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs a GraphQL request and returns the whole response body.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let resp = self
            .http
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        resp.json().await.unwrap()
    }

    /// Like [`gql`](Self::gql) but fails the test on any GraphQL error; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Polls the public `job` query until the job has ended; returns the job with `fields`
    /// (which must include `finished`).
    pub async fn job_when_finished(&self, name: &str, fields: &str) -> Value {
        let fields = format!("finished {fields}");
        self.job_when(name, &fields, "ended", |j| j["finished"] == true)
            .await
    }

    /// The job once `reached` holds for it (polled; fails the test after a deadline, naming
    /// `what` was awaited).
    pub async fn job_when(
        &self,
        name: &str,
        fields: &str,
        what: &str,
        reached: impl Fn(&Value) -> bool,
    ) -> Value {
        let q = format!("query($n:String!){{ job(jobName:$n){{ {fields} }} }}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(900);
        loop {
            let job = self.data(&q, json!({"n": name})).await["job"].clone();
            if reached(&job) {
                return job;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "job {name} never {what}: {job:#}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// One number from a Cypher statement returning column `n`.
    pub async fn count(&self, cypher: &str) -> i64 {
        count(self.graph(), cypher).await
    }

    /// The JSON answer of a GET to `path`.
    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self.http.get(self.url(path)).send().await.unwrap();
        resp.json().await.unwrap()
    }

    /// Waits (with a deadline) until `/readyz` answers 200: the database answers this process
    /// again, which also ends its fail-fast outage state.
    pub async fn until_ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while self
            .http
            .get(self.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            != 200
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the database did not come back"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The public `/metrics` text.
    pub async fn metrics(&self) -> String {
        let resp = self.http.get(self.url("/metrics")).send().await.unwrap();
        resp.text().await.unwrap()
    }

    /// Cypher statements sent so far, read from the public `/metrics` endpoint.
    pub async fn statements_sent(&self) -> u64 {
        let text = self.metrics().await;
        metric(&text, "skillgraph_cypher_statements_total").expect("metric present") as u64
    }
}

/// The sizes a benchmark runs at: `var` (comma-separated counts), else `default`.
pub fn sizes(var: &str, default: &str) -> Vec<usize> {
    (std::env::var(var).unwrap_or_else(|_| default.into()))
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

/// The value of one series (`name` or `name{labels}`) in Prometheus text, if present.
pub fn metric(text: &str, series: &str) -> Option<f64> {
    (text.lines())
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// Starts a Credential Engine import of `$u` (a list of URIs) and returns the job's `name`.
pub const IMPORT: &str =
    "mutation($u:[String!]!){ importCredentialEngine(competencyFrameworks:$u){ name } }";

/// Variables for [`LOAD_TASK`], with the test S3 server's credentials.
pub fn load_task(uri: &str) -> Value {
    json!({"i": {"entityType": "LEARNING", "method": "S3_IAM_USER", "uri": uri,
        "credentials": {"awsAccessKeyId": s3::access_key(), "awsSecretAccessKey": s3::secret_key()}}})
}

/// Starts a file load and returns the task (a job) with its `name`.
pub const LOAD_TASK: &str =
    "mutation($i: FileLoadTaskInput!){ createFileLoadTask(input: $i){ name } }";

/// One number from a Cypher statement returning column `n`.
pub async fn count(graph: &Graph, cypher: &str) -> i64 {
    let rows = graph.rows_unchecked(neo4rs::query(cypher)).await.unwrap();
    rows[0].get::<i64>("n").unwrap()
}

/// A connection of the test's own to `database`, to count what the service wrote.
pub async fn connect(database: &str) -> Graph {
    Graph::connect(&test_config(database).db).await.unwrap()
}

/// Duplicate relationships of `rel_type` (two or more between the same pair, same type).
pub async fn duplicate_edges(graph: &Graph, rel_type: &str) -> i64 {
    count(
        graph,
        &format!("MATCH (a)-[r:{rel_type}]->(b) WITH a, b, count(r) AS k WHERE k > 1 RETURN count(*) AS n"),
    )
    .await
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
        .to_string()
}

/// Skills `a` and `b` (URIs `urn:<name>`), with `a` aligned to `b` by two sources with different
/// alignment types: two edges, one target.
pub async fn two_alignments_to_one_skill(graph: &Graph, a: &str, b: &str) {
    use skillgraph::graph::writes::{self, AlignmentRow, SkillEdges, SkillRow};
    let skill = |name: &str| SkillRow {
        uri: format!("urn:{name}"),
        framework_uri: None,
        props: skillgraph::model::SkillProps {
            name: Some(name.into()),
            ..Default::default()
        },
    };
    let rows = [skill(a), skill(b)];
    writes::upsert_skills(graph, &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    for (source, alignment_type) in [("credential_engine", "exact"), ("embedding", "broad")] {
        let edge = AlignmentRow {
            from: rows[0].uri.clone(),
            to: rows[1].uri.clone(),
            source: source.into(),
            kind: skillgraph::model::AlignmentKind::Aligned,
            alignment_type: alignment_type.into(),
            score: None,
        };
        let set = SkillEdges::alignments(&rows[..1], source, &[edge]);
        writes::set_alignments(graph, &writes::ImportLog::unrecorded(), &set)
            .await
            .unwrap();
    }
}

/// Neo4j's plan of `statement` on `database`, as a tree (`operator`, `arguments`, `dbHits`,
/// `rows`, `children`) and as Neo4j renders it: `EXPLAIN`, or `PROFILE` (run, then rolled back).
pub async fn neo4j_plan(
    database: &str,
    statement: &str,
    params: Value,
    profile: bool,
) -> (Value, String) {
    let resp = admin(reqwest::Method::POST, "plan")
        .json(&json!({"database": database, "statement": statement,
            "params": params, "profile": profile}))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    let text = body["text"].as_str().unwrap_or_else(|| panic!("{body}"));
    (body["plan"].clone(), text.to_string())
}
