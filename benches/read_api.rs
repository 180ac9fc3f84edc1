//! Read benchmark: requests/s of a nested skills query on a seeded graph of 10,000 skills.
//! Needs the test database (`scripts/test-env`); run with `cargo bench --bench read_api`.
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use serde_json::json;
use skillgraph::graph::writes::{self, *};
use skillgraph::model::{FrameworkProps, SkillProps};

const SKILLS: usize = 10_000;
const BATCH: usize = 1_000;
const CONCURRENCY: usize = 8;
const DURATION: Duration = Duration::from_secs(10);

const QUERY: &str = "query($skip:Int){ skills(skip:$skip, limit:10){ name parentNodes { name } \
    alignments { skillAlignment { source aligned { id name score } suggested { id name score } } } } }";

#[tokio::main]
async fn main() {
    let app = common::TestApp::start().await;
    let g = app.graph();

    let seed_start = Instant::now();
    writes::upsert_frameworks(
        g,
        &[FrameworkRow {
            uri: "urn:bench:fw".into(),
            props: FrameworkProps {
                name: Some("Bench".into()),
                ..Default::default()
            },
        }],
    )
    .await
    .unwrap();
    let uri = |i: usize| format!("urn:bench:s:{i}");
    let rows: Vec<SkillRow> = (0..SKILLS)
        .map(|i| SkillRow {
            uri: uri(i),
            framework_uri: Some("urn:bench:fw".into()),
            props: SkillProps {
                name: Some(format!("Skill {i:05}")),
                description: Some(format!("Benchmark skill {i}")),
                source_name: Some("bench".into()),
                ..Default::default()
            },
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        writes::upsert_skills(g, chunk).await.unwrap();
    }
    let skills_secs = seed_start.elapsed().as_secs_f64();
    // 100 roots; every other skill is a child of one of them and aligned to its neighbour.
    let edges: Vec<ChildEdges> = (100..SKILLS)
        .map(|i| ChildEdges {
            child: uri(i),
            parents: vec![uri(i % 100)],
        })
        .collect();
    for chunk in edges.chunks(BATCH) {
        writes::set_parents(g, chunk).await.unwrap();
    }
    let aligns: Vec<AlignmentRow> = (0..SKILLS)
        .map(|i| AlignmentRow {
            from: uri(i),
            to: uri((i + 1) % SKILLS),
            source: "bench".into(),
            kind: "aligned".into(),
            alignment_type: "exact".into(),
            score: Some(0.5),
        })
        .collect();
    // As the importer writes them: each skill's alignments from one source, set at once.
    for chunk in SkillEdges::alignments(&rows, "bench", &aligns).chunks(BATCH) {
        writes::set_alignments(g, chunk).await.unwrap();
    }
    println!(
        "seeded {SKILLS} skills in {:.2}s ({:.0} skills/s), plus {} CHILD_OF and {} ALIGNED_WITH edges; total {:.2}s",
        skills_secs,
        SKILLS as f64 / skills_secs,
        edges.len(),
        aligns.len(),
        seed_start.elapsed().as_secs_f64()
    );

    // Warm-up, and a check that the query does return nested data.
    let warm = app.data(QUERY, json!({"skip": 5000})).await;
    assert_eq!(warm["skills"].as_array().unwrap().len(), 10);
    assert!(!warm["skills"][0]["parentNodes"]
        .as_array()
        .unwrap()
        .is_empty());

    // The first page (what a front end asks for first), then pages anywhere in the graph.
    measure(&app, "first page", |_| 0).await;
    measure(&app, "random page", |n| (n * 37) % (SKILLS - 10)).await;
}

async fn measure(app: &common::TestApp, label: &str, skip_of: fn(usize) -> usize) {
    let start = Instant::now();
    let mut tasks = vec![];
    for worker in 0..CONCURRENCY {
        let http = app.http.clone();
        let url = app.url("/graphql");
        tasks.push(tokio::spawn(async move {
            let mut latencies = vec![];
            let mut n = worker;
            while start.elapsed() < DURATION {
                let t = Instant::now();
                let vars = json!({"skip": skip_of(n)});
                let resp = http
                    .post(&url)
                    .json(&json!({"query": QUERY, "variables": vars}))
                    .send()
                    .await
                    .unwrap();
                assert!(resp.status().is_success());
                let body: serde_json::Value = resp.json().await.unwrap();
                assert!(body.get("errors").is_none(), "{body}");
                latencies.push(t.elapsed());
                n += CONCURRENCY;
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = vec![];
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{label}: skills(limit:10){{parentNodes alignments}}: {} requests in {:.1}s with {CONCURRENCY} clients = {:.1} requests/s; p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        secs,
        latencies.len() as f64 / secs,
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
}
