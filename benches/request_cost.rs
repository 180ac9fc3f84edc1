//! The service's own cost per request, in one run: for each scenario, one client sends the same
//! request `SKILLGRAPH_BENCH_REQUESTS` times (default 2,000) over one keep-alive connection to
//! the release binary in its own process (1,300 skills with parents and alignments), and the
//! service's CPU time is read from `/proc/<pid>/task/*/schedstat` (nanoseconds, every thread)
//! before and after; where `perf` may count them (`perf stat -e instructions:u -p <pid>`), its
//! user-space instructions too, which do not depend on what else the machine is doing. Each
//! line is printed next to the raw Bolt client's CPU for the same statements (this process,
//! measured the same way, running them through the service's own `graph` functions).
//! Needs the test database (`scripts/test-env`); run with `cargo bench --bench request_cost`.
extern crate skillgraph_testkit as common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::Service;
use futures::future::BoxFuture;
use serde_json::{json, Value};
use skillgraph::graph::jobs::{self as stored_jobs, JobFilter};
use skillgraph::graph::listing::PageAt;
use skillgraph::graph::{skills, Graph};

const SKILLS: usize = 1_300;
/// How long the database is warmed up before any scenario.
const WARM_UP: Duration = Duration::from_secs(20);

/// The read benchmark's query (issue 28): a page of ten skills, their parents and alignments.
const PAGE: &str = "{ skills(skip: 0, limit: 10) { name parentNodes { name }
    alignments { skillAlignment { source aligned { id name score } } } } }";
const SKILL: &str = "query($u: ID!) { skill(uuid: $u) { name description keywords } }";
const INTROSPECTION: &str = "{ __schema { queryType { name } types { name kind description
    fields { name args { name type { name kind ofType { name kind } } } type { name kind ofType { name kind } } } } } }";
const JOBS: &str = "{ jobs(first: 10) { totalCount nodes { name type status createdTime } } }";
const REFUSED: &str =
    "mutation { importCredentialEngine(competencyFrameworks: [\"https://x.invalid/a\"]) { name } }";
const READER_KEY: &str = "bench-reader-key-0123456789";

/// CPU time of every thread of process `pid` so far.
fn cpu(pid: u32) -> Duration {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    let ns: u64 = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// Where the service's instructions are counted from, if anywhere.
fn callgrind() -> bool {
    std::env::var_os("SKILLGRAPH_BENCH_CALLGRIND").is_some()
}

/// Where callgrind writes its dumps (`<pid>.out.<n>`).
fn callgrind_dir() -> String {
    format!("{}/target/callgrind", env!("CARGO_MANIFEST_DIR"))
}

/// The services run under callgrind with `SKILLGRAPH_BENCH_CALLGRIND` set (every instruction
/// counted, each scenario's from zero to its dump; CPU times are then callgrind's, not the
/// service's), else as they are.
fn prefix() -> Vec<String> {
    if !callgrind() {
        return vec![];
    }
    std::fs::create_dir_all(callgrind_dir()).unwrap();
    [
        "valgrind".to_string(),
        "--tool=callgrind".into(),
        format!("--callgrind-out-file={}/%p.out", callgrind_dir()),
    ]
    .into()
}

/// Counts the user-space instructions of `pid` until [`Counter::stop`]: callgrind's counters
/// (zeroed, then dumped) when the services run under it, else `perf stat`; `None` where neither
/// can (a virtual machine without hardware counters, a process not under callgrind).
enum Counter {
    Perf(Child),
    Callgrind(u32),
}

impl Counter {
    fn start(pid: u32) -> Option<Self> {
        if callgrind() {
            let zeroed = Command::new("callgrind_control")
                .args(["-z", &pid.to_string()])
                .stdout(Stdio::null())
                .status()
                .ok()?;
            return zeroed.success().then_some(Counter::Callgrind(pid));
        }
        let child = Command::new("perf")
            .args(["stat", "-x", ",", "-e", "instructions:u", "-p"])
            .arg(pid.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .ok()?;
        // perf attaches before it counts; give it a moment (its start is not observable).
        std::thread::sleep(Duration::from_millis(300));
        Some(Counter::Perf(child))
    }

    fn stop(self) -> Option<f64> {
        match self {
            Counter::Perf(child) => {
                let pid = child.id().to_string();
                Command::new("kill").args(["-INT", &pid]).status().ok()?;
                let out = child.wait_with_output().ok()?;
                let text = String::from_utf8_lossy(&out.stderr);
                (text.lines())
                    .find(|l| l.contains("instructions"))
                    .and_then(|l| l.split(',').next()?.trim().parse().ok())
            }
            Counter::Callgrind(pid) => {
                let before = dumps(pid);
                Command::new("callgrind_control")
                    .args(["-d", &pid.to_string()])
                    .stdout(Stdio::null())
                    .status()
                    .ok()?;
                let new = dumps(pid).into_iter().find(|d| !before.contains(d))?;
                let text = std::fs::read_to_string(new).ok()?;
                (text.lines())
                    .find_map(|l| l.strip_prefix("summary:").or(l.strip_prefix("totals:")))
                    .and_then(|v| v.split_whitespace().next()?.parse().ok())
            }
        }
    }
}

/// The callgrind dumps of `pid` so far.
fn dumps(pid: u32) -> Vec<std::path::PathBuf> {
    let prefix = format!("{pid}.out.");
    (std::fs::read_dir(callgrind_dir())
        .into_iter()
        .flatten()
        .flatten())
    .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
    .map(|e| e.path())
    .collect()
}

/// `perf record` of `pid` into `target/perf-<label>.data` while a scenario runs, when
/// `SKILLGRAPH_BENCH_PERF_RECORD` is set (read with `perf report -i <file> --no-children`).
fn record(pid: u32, label: &str) -> Option<Child> {
    std::env::var_os("SKILLGRAPH_BENCH_PERF_RECORD")?;
    let slug: String = label
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let out = format!("{}/target/perf-{slug}.data", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new("perf")
        .args([
            "record",
            "-e",
            "cpu-clock",
            "-F",
            "999",
            "--call-graph",
            "dwarf,32768",
            "-o",
            &out,
            "-p",
        ])
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(300));
    Some(child)
}

fn stop(child: Child) {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let _ = child.wait_with_output();
}

/// Per-request cost of `n` calls of `call`, measured on process `pid`.
struct Cost {
    cpu_us: f64,
    instructions: Option<f64>,
    per_sec: f64,
}

impl std::fmt::Display for Cost {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{:>8.1} µs CPU", self.cpu_us)?;
        match self.instructions {
            Some(i) => write!(f, "  {:>10.0} instructions", i)?,
            None => write!(f, "  {:>10} instructions", "n/a")?,
        }
        write!(f, "  ({:.0} req/s)", self.per_sec)
    }
}

async fn cost<F>(pid: u32, n: usize, label: &str, mut call: F) -> Cost
where
    F: FnMut() -> BoxFuture<'static, Result<(), String>>,
{
    for _ in 0..n / 10 {
        call().await.expect("warm-up request");
    }
    let recording = record(pid, label);
    let counter = Counter::start(pid);
    let (c0, t0) = (cpu(pid), Instant::now());
    for _ in 0..n {
        call().await.expect("request");
    }
    let (c1, secs) = (cpu(pid), t0.elapsed().as_secs_f64());
    let instructions = counter.and_then(Counter::stop).map(|i| i / n as f64);
    if let Some(recording) = recording {
        stop(recording);
    }
    Cost {
        cpu_us: (c1 - c0).as_secs_f64() * 1e6 / n as f64,
        instructions,
        per_sec: n as f64 / secs,
    }
}

/// One request sent again and again: to which service, with which key, and the error code
/// its answer must carry, if any.
struct Scenario<'a> {
    label: &'static str,
    service: &'a Service,
    query: &'static str,
    vars: Value,
    key: Option<&'static str>,
    expect: Option<&'static str>,
}

impl<'a> Scenario<'a> {
    fn new(label: &'static str, service: &'a Service, query: &'static str, vars: Value) -> Self {
        Self {
            label,
            service,
            query,
            vars,
            key: None,
            expect: None,
        }
    }
}

/// One GraphQL request; `expect` is the error code the answer must carry, if any.
fn post(
    http: &reqwest::Client,
    url: &str,
    query: &'static str,
    vars: Value,
    key: Option<&'static str>,
    expect: Option<&'static str>,
) -> BoxFuture<'static, Result<(), String>> {
    let (http, url) = (http.clone(), url.to_string());
    Box::pin(async move {
        let mut req = http
            .post(&url)
            .json(&json!({"query": query, "variables": vars}));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        let body: Value = (req.send().await.map_err(|e| e.to_string())?)
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let code = body["errors"][0]["extensions"]["code"].as_str();
        match (code, expect) {
            (None, None) => Ok(()),
            (Some(c), Some(e)) if c == e => Ok(()),
            _ => Err(format!("{body:.300}")),
        }
    })
}

/// The first page's statements straight over Bolt (the page, then its parents and alignments).
async fn raw_first_page(g: Graph) -> Result<(), String> {
    let at = PageAt::offset(0, 10, 100, 0).map_err(|e| e.to_string())?;
    common::bench::raw_page(&g, &Default::default(), &at).await
}

/// `skill(uuid)`'s statement straight over Bolt.
async fn raw_skill(g: Graph, uuid: String) -> Result<(), String> {
    skills::by_uuid(&g, &uuid)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The jobs listing's two statements straight over Bolt.
async fn raw_jobs(g: Graph) -> Result<(), String> {
    let filter = JobFilter::default();
    stored_jobs::page(&g, filter, &PageAt::first(11))
        .await
        .map_err(|e| e.to_string())?;
    stored_jobs::count(&g, filter)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The raw client's cost of the same statements: this process's CPU while it runs them.
async fn raw<F>(n: usize, label: &str, call: F) -> Cost
where
    F: FnMut() -> BoxFuture<'static, Result<(), String>>,
{
    cost(std::process::id(), n, label, call).await
}

/// Per delivered update of a `jobUpdates` subscription: `k` subscribers of one queued job (no
/// process runs it here), whose message is changed `updates` times straight in the database,
/// each change awaited by every subscriber.
async fn subscription_update(
    g: &Graph,
    service: &Service,
    uri: &str,
    k: usize,
    updates: usize,
) -> Cost {
    let started = service.data(common::IMPORT, json!({"u": [uri]})).await;
    let name = started["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    // It fails at once (the registry has no such document); then it is made a job another
    // replica holds a long lease on, so this one neither runs nor takes it over.
    let ended = |j: &Value| j["status"] == "FAILED" || j["status"] == "SUCCEEDED";
    service
        .wait_for(&name, "status", Duration::from_secs(30), ended)
        .await;
    let hold = neo4rs::query(
        "MATCH (j:Job {name: $n}) SET j.status = 'active', j.owner = 'bench-elsewhere',
         j.lease_until = timestamp() + 3600000, j.finished_time = null, j.message = null,
         j.version = coalesce(j.version, 0) + 1",
    )
    .param("n", name.as_str());
    g.rows_unchecked(hold).await.unwrap();
    let query = format!("subscription {{ jobUpdates(jobName: \"{name}\") {{ status message }} }}");
    let mut conns = vec![];
    for i in 0..k {
        let mut c = common::ws::Connection::open(service.socket_addr(), json!({})).await;
        c.subscribe(&i.to_string(), &query).await;
        let first = c.next_message(Duration::from_secs(10)).await;
        assert_eq!(first["type"], "next", "{first}");
        conns.push(c);
    }
    let pid = service.child.id();
    let bump = |i: usize| {
        neo4rs::query(
            "MATCH (j:Job {name: $n}) SET j.message = $m, j.version = coalesce(j.version, 0) + 1",
        )
        .param("n", name.as_str())
        .param("m", format!("step {i}"))
    };
    let counter = Counter::start(pid);
    let (c0, t0) = (cpu(pid), Instant::now());
    for i in 0..updates {
        g.rows_unchecked(bump(i)).await.unwrap();
        for c in &mut conns {
            let m = c.next_message(Duration::from_secs(10)).await;
            assert_eq!(
                m["payload"]["data"]["jobUpdates"]["message"],
                format!("step {i}"),
                "{m}"
            );
        }
    }
    let (c1, secs) = (cpu(pid), t0.elapsed().as_secs_f64());
    let deliveries = (updates * k) as f64;
    Cost {
        cpu_us: (c1 - c0).as_secs_f64() * 1e6 / deliveries,
        instructions: counter.and_then(Counter::stop).map(|i| i / deliveries),
        per_sec: deliveries / secs,
    }
}

/// Set in the environment of this benchmark's own binary, run again as the hello-world floor.
const FLOOR: &str = "SKILLGRAPH_BENCH_HELLO_FLOOR";

fn main() {
    if std::env::var_os(FLOOR).is_some() {
        return hello_world();
    }
    bench();
}

/// The floor under `/livez`: axum on the runtime the service's `main` builds (as many worker
/// threads as `SKILLGRAPH_WORKER_THREADS` says, else one per core), answering `GET /livez`
/// with the same JSON and nothing else (no layers, no log line). Prints its port, then serves
/// until killed.
fn hello_world() {
    use axum::{routing::get, Json, Router};
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = std::env::var("SKILLGRAPH_WORKER_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        rt.worker_threads(n);
    }
    let rt = rt.enable_all().build().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        let app = Router::new().route("/livez", get(|| async { Json(json!({"status": "ok"})) }));
        axum::serve(listener, app).await.unwrap();
    });
}

/// This binary started again as [`hello_world`]: the process and its URL.
struct Floor {
    child: Child,
    url: String,
}

impl Floor {
    fn start() -> Self {
        use std::io::BufRead;
        // Under callgrind when the services are, so that its instructions are counted too.
        let mut command: Vec<String> = prefix();
        command.push(std::env::current_exe().unwrap().display().to_string());
        let mut child = Command::new(&command[0])
            .args(&command[1..])
            .env(FLOOR, "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let out = child.stdout.take().unwrap();
        std::io::BufReader::new(out).read_line(&mut line).unwrap();
        let url = format!("http://127.0.0.1:{}/livez", line.trim());
        Floor { child, url }
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET url`, its body read.
fn get(http: &reqwest::Client, url: &str) -> BoxFuture<'static, Result<(), String>> {
    let (h, url) = (http.clone(), url.to_string());
    Box::pin(async move {
        let resp = h.get(&url).send().await.map_err(|e| e.to_string())?;
        resp.bytes().await.map(|_| ()).map_err(|e| e.to_string())
    })
}

#[tokio::main]
async fn bench() {
    let n = common::sizes("SKILLGRAPH_BENCH_REQUESTS", "2000")[0];
    let db = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
    let g = common::connect(&db).await;
    skillgraph::graph::migrate::apply(&g).await.unwrap();
    common::bench::seed_skills(&g, SKILLS).await;
    // Jobs to list, and one to follow: queued (no process here runs jobs). The registry starts
    // first: the services allow the registries started before them.
    let (_registry, reg) = common::ce_server::start(0).await;
    let queued = reg.uri("/resources/never-run");
    // One caller sends everything: per-caller limits would measure themselves. Logs at the
    // production default (`info`: one line per request).
    let base = [
        ("SKILLGRAPH_RATE_COST_PER_SECOND", "1000000000"),
        ("SKILLGRAPH_MAX_IN_FLIGHT_PER_CALLER", "64"),
        ("RUST_LOG", "info"),
        ("SKILLGRAPH_JOB_CONCURRENCY", "0"),
        ("SKILLGRAPH_JOB_WATCH_MS", "50"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| [&base[..], extra].concat();
    let prefix = prefix();
    let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
    // Each service's log in a file of its own (`skillgraph-request-cost-<name>.log`).
    let start = |name: &str, extra: Vec<(&'static str, &'static str)>| {
        let logs = std::env::temp_dir().join(format!("skillgraph-request-cost-{name}.log"));
        let (db, prefix) = (db.clone(), prefix.clone());
        async move { Service::start_under(&prefix, &db, &extra, Some(&logs)).await }
    };
    let uncached = start("uncached", with(&[("SKILLGRAPH_READ_CACHE", "false")])).await;
    let cached = start("cached", with(&[])).await;
    let keyed: &'static str = format!("bench:reader:{READER_KEY}").leak();
    let guarded = start("guarded", with(&[("SKILLGRAPH_API_KEYS", keyed)])).await;
    // One connection, kept alive.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let uuid = uncached
        .data("{ skills(limit: 1) { uuid } }", json!({}))
        .await["skills"][0]["uuid"]
        .clone();
    for _ in 0..10 {
        uncached.data(common::IMPORT, json!({"u": [&queued]})).await;
    }

    // Neo4j runs a statement several times faster once its JIT has compiled it (the first
    // page took 6.6 ms in the first second, 1.3 ms after 20 s): the database is warmed with
    // the statements of every scenario first, so that no scenario is measured while it waits
    // on a cold database (its wait is not the service's CPU, but the idle workers' parking
    // and the background statements per request are).
    let (warm, u) = (Instant::now(), uuid.as_str().unwrap().to_string());
    while warm.elapsed() < WARM_UP {
        raw_first_page(g.clone()).await.unwrap();
        raw_skill(g.clone(), u.clone()).await.unwrap();
        raw_jobs(g.clone()).await.unwrap();
    }
    println!("--- {SKILLS} skills, {n} requests per scenario, one keep-alive connection ---");
    let scenarios = [
        Scenario::new("first page, uncached", &uncached, PAGE, json!({})),
        Scenario::new("first page, cached", &cached, PAGE, json!({})),
        Scenario::new(
            "skill(uuid), uncached",
            &uncached,
            SKILL,
            json!({"u": uuid}),
        ),
        Scenario::new("introspection", &uncached, INTROSPECTION, json!({})),
        Scenario::new("jobs listing, uncached", &uncached, JOBS, json!({})),
        Scenario {
            key: Some(READER_KEY),
            expect: Some("FORBIDDEN"),
            ..Scenario::new("mutation refused by role", &guarded, REFUSED, json!({}))
        },
    ];
    let mut results = vec![];
    for s in scenarios {
        let (h, url) = (http.clone(), s.service.url("/graphql"));
        let call = || post(&h, &url, s.query, s.vars.clone(), s.key, s.expect);
        let ours = cost(s.service.child.id(), n, s.label, call).await;
        results.push((s.label, ours));
    }
    // Under every scenario: a request that reads nothing, through the same HTTP stack (routing,
    // host and cross-site checks, metrics, tracing, the request log line); and under that, the
    // floor: the same answer from axum alone.
    let livez = uncached.url("/livez");
    let probe = cost(uncached.child.id(), n, "livez", || get(&http, &livez)).await;
    let hello = Floor::start();
    let floor = cost(hello.child.id(), n, "hello world", || {
        get(&http, &hello.url)
    })
    .await;
    drop(hello);
    let raw_page = raw(n, "raw page", || Box::pin(raw_first_page(g.clone()))).await;
    let raw_skill = raw(n, "raw skill", || Box::pin(raw_skill(g.clone(), u.clone()))).await;
    let raw_jobs = raw(n, "raw jobs", || Box::pin(raw_jobs(g.clone()))).await;
    let update = subscription_update(&g, &uncached, &queued, 10, n / 10).await;
    for (label, ours) in &results {
        println!("{label:<26} service  {ours}");
        let raw = match *label {
            "first page, uncached" | "first page, cached" => Some(&raw_page),
            "skill(uuid), uncached" => Some(&raw_skill),
            "jobs listing, uncached" => Some(&raw_jobs),
            _ => None,
        };
        match raw {
            Some(raw) => println!(
                "{:<26} raw Bolt {raw}  service/raw CPU {:.2}",
                "",
                ours.cpu_us / raw.cpu_us
            ),
            None => println!("{:<26} raw Bolt (no statement)", ""),
        }
    }
    println!("{:<26} service  {probe}", "GET /livez");
    println!(
        "{:<26} hello    {floor}  /livez/hello CPU {:.2}",
        "axum hello world (floor)",
        probe.cpu_us / floor.cpu_us
    );
    println!("{:<26} service  {update}", "subscription, per update");
    println!(
        "{:<26} (10 subscribers of one job; per delivered update)",
        ""
    );
}
