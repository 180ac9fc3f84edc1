//! Read benchmark, in one run: at 10,000 and 100,000 skills (`SKILLGRAPH_BENCH_SKILLS`,
//! comma-separated, e.g. `10000,100000,1000000`), the service (its own process, cache off and
//! on), the peer (@neo4j/graphql over the same database, `benches/peer/server.mjs`) and a raw
//! Bolt client running the statements the service sends, for the first page, a deep page by
//! cursor, a text filter and a repeated (cached) first page. Prints requests/s, p50, p99, the
//! service's RSS and the ratios. The service and the raw client are each warmed up, then measured
//! in the order service, raw, raw, service (see `against_raw`). Needs the test database (`scripts/test-env`) and node; run with
//! `cargo bench --bench read_api` (it installs the peer's locked packages when missing).
extern crate skillgraph_testkit as common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::process::Service;
use serde_json::{json, Value};
use skillgraph::graph::listing::PageAt;
use skillgraph::graph::skill_filter::{Facet, Field, SkillFilter};
use skillgraph::graph::skills;
use skillgraph::graph::Graph;

const CONCURRENCY: usize = 8;
const DURATION: Duration = Duration::from_secs(8);

/// What a front end asks for: a page of skills with their parents and alignments.
const PAGE: &str = "query($after: String, $f: SkillFilterInput) {
    skillConnection(first: 10, after: $after, filter: $f) {
        nodes { name parentNodes { name }
            alignments { skillAlignment { source aligned { id name score } } } }
        pageInfo { endCursor } } }";

/// The first page, as the service is asked for it before any data exists.
const PAGE_FIRST: &str = "{ skillConnection(first: 10) { nodes { name } } }";

struct Figures {
    /// Answered requests per second (failures not counted).
    per_sec: f64,
    p50: f64,
    p99: f64,
    /// Requests that failed, and the first failure: reported, not fatal, so one side that
    /// cannot answer at some size does not hide the others' figures.
    failed: usize,
    first_failure: Option<String>,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{:>8.1} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms",
            self.per_sec, self.p50, self.p99
        )?;
        match &self.first_failure {
            Some(e) => write!(f, "  {} failed, first: {e:.200}", self.failed),
            None => Ok(()),
        }
    }
}

/// `a / b`, or why there is no ratio.
fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "n/a (no answers)".into()
    }
}

/// What `CONCURRENCY` clients saw calling one side for a while.
#[derive(Default)]
struct Sample {
    latencies: Vec<Duration>,
    failures: Vec<String>,
    secs: f64,
}

impl Sample {
    fn add(mut self, other: Sample) -> Sample {
        self.latencies.extend(other.latencies);
        self.failures.extend(other.failures);
        self.secs += other.secs;
        self
    }

    fn figures(mut self) -> Figures {
        let all = &mut self.latencies;
        all.sort();
        let pct = |p: f64| match all.len() {
            0 => f64::NAN,
            len => all[((len as f64 * p) as usize).min(len - 1)].as_secs_f64() * 1e3,
        };
        Figures {
            per_sec: all.len() as f64 / self.secs,
            p50: pct(0.5),
            p99: pct(0.99),
            failed: self.failures.len(),
            first_failure: self.failures.into_iter().next(),
        }
    }
}

/// `CONCURRENCY` clients calling `call` for `DURATION`.
async fn measure<F, Fut>(call: F) -> Figures
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    sample(call, DURATION).await.figures()
}

/// `CONCURRENCY` clients calling `call` for `duration`.
async fn sample<F, Fut>(call: F, duration: Duration) -> Sample
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let start = Instant::now();
    let mut tasks = vec![];
    for _ in 0..CONCURRENCY {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failures) = (vec![], vec![]);
            while start.elapsed() < duration {
                let t = Instant::now();
                match call().await {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(e) => failures.push(e),
                }
            }
            (latencies, failures)
        }));
    }
    let mut out = Sample::default();
    for t in tasks {
        let (l, f) = t.await.unwrap();
        out.latencies.extend(l);
        out.failures.extend(f);
    }
    out.secs = start.elapsed().as_secs_f64();
    out
}

/// The service and the raw client doing the same work, compared fairly: both warmed up first
/// (whichever ran first used to pay for the database's first plans and cold pages), then
/// measured in the order service, raw, raw, service, each for half of `DURATION`, so a drift in
/// the database's load over the run weighs on both alike.
async fn against_raw<F, Fut, G, Gut>(service: F, raw: G) -> (Figures, Figures)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
    G: Fn() -> Gut + Clone + Send + 'static,
    Gut: Future<Output = Result<(), String>> + Send,
{
    let warm = Duration::from_secs(1);
    sample(service.clone(), warm).await;
    sample(raw.clone(), warm).await;
    let half = DURATION / 2;
    let s1 = sample(service.clone(), half).await;
    let r1 = sample(raw.clone(), half).await;
    let r2 = sample(raw, half).await;
    let s2 = sample(service, half).await;
    (s1.add(s2).figures(), r1.add(r2).figures())
}

/// The same page from the peer: its connection (offset cursors), sorted by name.
const PEER_PAGE: &str = "query($after: String, $w: SkillWhere) {
    skillsConnection(first: 10, after: $after, sort: [{name: ASC}], where: $w) {
        edges { node { name parentNodes { name } aligned { uuid name } } }
        pageInfo { endCursor } } }";

/// Waits (up to ten minutes) until the database answers a ping within a second again, so one
/// side's leftover work is not measured as the next side's cost.
async fn settle(g: &Graph) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while g.ping(Duration::from_secs(1)).await.is_err() {
        if Instant::now() > deadline {
            println!("(the database was still busy after ten minutes; measuring anyway)");
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The peer on `port`, over `database`, once it answers.
async fn start_peer(database: &str, port: u16) -> std::process::Child {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer");
    if !dir.join("node_modules").exists() {
        let ok = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(ok.success(), "npm ci in benches/peer");
    }
    let child = std::process::Command::new("node")
        .arg("server.mjs")
        .current_dir(&dir)
        .env("SKILLGRAPH_NEO4J_URI", common::bolt_uri(database))
        .env("SKILLGRAPH_NEO4J_USER", common::db_user())
        .env("SKILLGRAPH_NEO4J_PASSWORD", common::db_password())
        .env("SKILLGRAPH_NEO4J_DATABASE", database)
        .env("PORT", port.to_string())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the peer did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child
}

async fn post(http: &reqwest::Client, url: &str, vars: &Value) -> Result<(), String> {
    post_query(http, url, PAGE, vars).await
}

/// One GraphQL request; an HTTP error or a GraphQL error is a failure.
async fn post_query(
    http: &reqwest::Client,
    url: &str,
    query: &str,
    vars: &Value,
) -> Result<(), String> {
    let resp = (http.post(url))
        .json(&json!({"query": query, "variables": vars}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let body: Value = resp.json().await.map_err(|e| e.to_string())?;
    match body.get("errors") {
        None if status.is_success() => Ok(()),
        _ => Err(format!("{status}: {body}")),
    }
}

/// Facets for a filter panel and a root's descendants: the service (uncached) against the same
/// statements sent straight over Bolt. The peer has no equivalent of either (it would need
/// aggregations per field, and one level of nesting per tree level).
async fn explore(g: &Graph, service: &Service, http: &reqwest::Client) {
    const FACETS: &str = "{ skillFacets(filter: { source: \"bench\" }) { frameworks { value count } sources { value count } } }";
    const DESCENDANTS: &str = "query($u: ID!) { skill(uuid: $u) { descendants(maxDepth: 2, first: 50) { totalCount nodes { depth skill { name } } } } }";
    let root = service
        .data("{ skills(limit: 1) { uuid } }", json!({}))
        .await["skills"][0]["uuid"]
        .clone();
    let filter = SkillFilter::only(Field::Source, "bench");
    let url = service.url("/graphql");
    let scenarios: [(&str, &str, Value); 2] = [
        ("facets (2)", FACETS, json!({})),
        ("descendants (depth 2)", DESCENDANTS, json!({"u": root})),
    ];
    for (label, query, vars) in scenarios {
        let (h, u) = (http.clone(), url.clone());
        let (g2, f2, uuid) = (
            g.clone(),
            filter.clone(),
            root.as_str().unwrap().to_string(),
        );
        settle(g).await;
        let (ours, raw) = against_raw(
            move || {
                let (h, u, v) = (h.clone(), u.clone(), vars.clone());
                async move { post_query(&h, &u, query, &v).await }
            },
            move || {
                let (g, f, uuid) = (g2.clone(), f2.clone(), uuid.clone());
                async move {
                    if query == FACETS {
                        skills::facet(&g, &f, Facet::Framework)
                            .await
                            .map_err(|e| e.to_string())?;
                        skills::facet(&g, &f, Facet::Source)
                            .await
                            .map_err(|e| e.to_string())?;
                    } else {
                        skills::descendants(&g, &[uuid])
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    Ok(())
                }
            },
        )
        .await;
        println!("{label:<22} skillgraph {ours}");
        println!("{:<22} raw Bolt   {raw}", "");
        println!(
            "{:<22} ratio skillgraph/raw = {}",
            "",
            ratio(ours.per_sec, raw.per_sec)
        );
    }
}

#[tokio::main]
async fn main() {
    let sizes = common::sizes("SKILLGRAPH_BENCH_SKILLS", "10000,100000");
    let mut deep_pages = vec![];
    for n in sizes {
        let db = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
        let g = common::connect(&db).await;
        skillgraph::graph::migrate::apply(&g).await.unwrap();
        // All clients here are one caller: per-caller limits would measure themselves.
        let open = [
            ("SKILLGRAPH_RATE_COST_PER_SECOND", "1000000000"),
            ("SKILLGRAPH_MAX_IN_FLIGHT_PER_CALLER", "64"),
        ];
        let uncached = Service::start(
            &db,
            &[&open[..], &[("SKILLGRAPH_READ_CACHE", "false")]].concat(),
        )
        .await;
        let cached = Service::start(&db, &open).await;
        // As a deployment runs: the service starts on an empty database and serves pages (its
        // statements planned on an empty store's statistics), then the data is written.
        uncached.data(PAGE_FIRST, json!({})).await;
        common::bench::seed_skills(&g, n).await;
        let peer_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut peer = start_peer(&db, peer_port).await;
        let peer_url = format!("http://127.0.0.1:{peer_port}/graphql");
        let http = reqwest::Client::new();

        // A cursor halfway through, reached by walking the connection.
        let mut after = Value::Null;
        let walk = "query($after: String) { skillConnection(first: 100, after: $after) { pageInfo { endCursor } } }";
        for _ in 0..n / 200 {
            let d = uncached.data(walk, json!({"after": after})).await;
            after = d["skillConnection"]["pageInfo"]["endCursor"].clone();
        }
        let deep_key = {
            let d = uncached
                .data(
                    "query($after: String) { skillConnection(first: 1, after: $after) { nodes { name uuid } } }",
                    json!({"after": after}),
                )
                .await;
            let node = &d["skillConnection"]["nodes"][0];
            // The raw client seeks from the key just before that skill, as the cursor does.
            (
                node["name"].as_str().unwrap().to_string(),
                node["uuid"].as_str().unwrap().to_string(),
            )
        };
        let text = SkillFilter {
            text: Some("skill 00042".into()),
            ..Default::default()
        };
        // The peer's cursors are offsets (`arrayconnection:N`, base64).
        let peer_deep = {
            use base64::Engine;
            let offset = format!("arrayconnection:{}", (n / 200) * 100 - 1);
            base64::engine::general_purpose::STANDARD.encode(offset)
        };
        let scenarios: [(&str, Value, Value, SkillFilter, PageAt); 3] = [
            (
                "first page",
                json!({}),
                json!({}),
                SkillFilter::default(),
                PageAt::first(11),
            ),
            (
                "deep page by cursor",
                json!({"after": after}),
                json!({"after": peer_deep}),
                SkillFilter::default(),
                PageAt {
                    after: Some(deep_key),
                    skip: 0,
                    limit: 11,
                },
            ),
            (
                "text filter",
                json!({"f": {"text": "skill 00042"}}),
                json!({"w": {"name": {"contains": "Skill 00042"}}}),
                text,
                PageAt::first(11),
            ),
        ];
        println!("--- {n} skills ---");
        // The peer runs last: at sizes where its statements overrun the database, the work it
        // leaves queued there would otherwise be measured as the next side's cost.
        let mut ours = vec![];
        for (label, vars, peer_vars, filter, at) in scenarios {
            let url = uncached.url("/graphql");
            let (h, v) = (http.clone(), vars.clone());
            let (g2, f2, a2) = (g.clone(), filter.clone(), at.clone());
            settle(&g).await;
            let (service, raw) = against_raw(
                move || {
                    let (h, u, v) = (h.clone(), url.clone(), v.clone());
                    async move { post(&h, &u, &v).await }
                },
                move || {
                    let (g, f, a) = (g2.clone(), f2.clone(), a2.clone());
                    async move { common::bench::raw_page(&g, &f, &a).await }
                },
            )
            .await;
            if label == "deep page by cursor" {
                deep_pages.push((n, service.per_sec, service.p50));
            }
            ours.push((label, service, raw, peer_vars));
        }
        let url = cached.url("/graphql");
        let h = http.clone();
        let repeated = measure(move || {
            let (h, u) = (h.clone(), url.clone());
            async move { post(&h, &u, &json!({})).await }
        })
        .await;
        let (g2, at) = (g.clone(), PageAt::first(11));
        let raw_repeated = measure(move || {
            let (g, a) = (g2.clone(), at.clone());
            async move { common::bench::raw_page(&g, &SkillFilter::default(), &a).await }
        })
        .await;
        let mut peer_first = 0.0;
        for (label, service, raw, peer_vars) in ours {
            settle(&g).await;
            let (h, u, v) = (http.clone(), peer_url.clone(), peer_vars);
            let peer_figures = measure(move || {
                let (h, u, v) = (h.clone(), u.clone(), v.clone());
                async move { post_query(&h, &u, PEER_PAGE, &v).await }
            })
            .await;
            if label == "first page" {
                peer_first = peer_figures.per_sec;
            }
            println!("{label:<22} skillgraph {service}");
            println!("{:<22} peer       {peer_figures}", "");
            println!("{:<22} raw Bolt   {raw}", "");
            println!(
                "{:<22} ratio skillgraph/peer = {}, skillgraph/raw = {}",
                "",
                ratio(service.per_sec, peer_figures.per_sec),
                ratio(service.per_sec, raw.per_sec)
            );
        }
        println!("{:<22} skillgraph {repeated}", "repeated (cached)");
        println!(
            "{:<22} ratio skillgraph/peer = {} (the peer's first page, it has no cache), skillgraph/raw = {} (raw {:.1} req/s)",
            "",
            ratio(repeated.per_sec, peer_first),
            ratio(repeated.per_sec, raw_repeated.per_sec),
            raw_repeated.per_sec
        );
        peer.kill().ok();
        peer.wait().ok();
        explore(&g, &uncached, &http).await;
        println!(
            "service peak RSS: {} MiB uncached, {} MiB cached",
            uncached.peak_rss_mib(),
            cached.peak_rss_mib()
        );
    }
    if let [(n0, r0, p0), .., (n1, r1, p1)] = deep_pages.as_slice() {
        println!(
            "deep page by cursor: {n1} skills costs {:.2}x the p50 of {n0} ({p1:.1} vs {p0:.1} ms; {r1:.1} vs {r0:.1} req/s)",
            p1 / p0
        );
    }
}
