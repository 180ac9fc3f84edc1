//! Integrity under load, for about a minute (`STRESS_SECS`, default 60): four curators editing
//! random skills of an imported framework (each edit at the version it read, retried on
//! CONFLICT), an import of a second framework re-imported in a loop with a new revision each
//! time, and three `graphChanges` subscribers over WebSocket, all at once against one service.
//! At the end it reports, against the changes the database recorded (in change-log order):
//! changes each subscriber lost, received twice, or received out of order; curator edits told
//! they succeeded whose change is missing; skills whose history does not hold exactly one change
//! per version. Every figure should be 0. Needs `scripts/test-env`; run with
//! `cargo bench --bench integrity_stress`.
extern crate skillgraph_testkit as common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

const CURATORS: usize = 4;
const SUBSCRIBERS: usize = 3;
const COMPETENCIES: usize = 2_000;

async fn import(app: &common::TestApp, uri: &str) {
    let d = app.data(common::IMPORT, json!({ "u": [uri] })).await;
    let name = d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let end = app.job_when_finished(&name, "status").await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
}

async fn ids(app: &common::TestApp, cypher: &str) -> Vec<String> {
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query(cypher))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.get::<String>("id").unwrap())
        .collect()
}

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::var("STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let (_, reg) = common::ce_server::start(0).await;
    reg.generate(COMPETENCIES, Duration::ZERO);
    let database = common::fresh_database_with(Some(common::BENCH_PAGECACHE)).await;
    let mut config = common::test_config(&database);
    config.ingest.ce_allowed_hosts = common::ce_server::allowed();
    config.limits.max_in_flight_per_caller = 64;
    config.limits.rate_mutations_per_minute = 0;
    config.limits.rate_cost_per_second = 0;
    let app = Arc::new(common::TestApp::start_on(config).await);

    // The curators' framework, imported before the run; its skills are what they edit.
    import(&app, &reg.gen_uri(0)).await;
    let skills = ids(&app, "MATCH (s:Skill) RETURN s.uuid AS id").await;
    // A skill only the end of the run edits: its change tells the subscribers the run is over.
    let marker = app
        .data(
            "mutation { createSkill(input: {name: \"End of the run\"}) { uuid } }",
            json!({}),
        )
        .await["createSkill"]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let start = ids(
        &app,
        "MATCH (l:ChangeLog) MATCH (c:Change {seq: l.seq}) RETURN c.id AS id",
    )
    .await
    .remove(0);

    let stop = Arc::new(AtomicBool::new(false));
    let mut subscribers = vec![];
    for _ in 0..SUBSCRIBERS {
        let mut conn = common::ws::Connection::open(app.addr, json!({})).await;
        let q = format!("subscription {{ graphChanges(after: \"{start}\") {{ id skillUuid }} }}");
        let marker = marker.clone();
        conn.subscribe("s", &q).await;
        subscribers.push(tokio::spawn(async move {
            let mut got = vec![];
            loop {
                let m = conn.next_message(Duration::from_secs(60)).await;
                assert_eq!(m["type"], "next", "{m:#}");
                let change = &m["payload"]["data"]["graphChanges"];
                got.push(change["id"].as_str().unwrap().to_string());
                let last = change["skillUuid"] == marker.as_str();
                if last {
                    return got;
                }
            }
        }));
    }

    let t = Instant::now();
    let mut curators = vec![];
    for c in 0..CURATORS {
        let (app, skills, stop) = (app.clone(), skills.clone(), stop.clone());
        curators.push(tokio::spawn(async move {
            let mut landed: Vec<(String, i64)> = vec![];
            let mut conflicts = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let pick = uuid::Uuid::new_v4().as_u128() as usize % skills.len();
                let u = skills[pick].clone();
                let d = app
                    .data("query($u: ID!) { skill(uuid: $u) { version } }", json!({"u": u}))
                    .await;
                let v = d["skill"]["version"].as_i64().unwrap();
                let body = app
                    .gql(
                        "mutation($u: ID!, $v: Int!, $n: String!) { updateSkill(uuid: $u, version: $v, input: {note: $n}) { version } }",
                        json!({"u": u, "v": v, "n": format!("curator {c} at {v}")}),
                    )
                    .await;
                match body.get("errors") {
                    None => landed.push((u, v + 1)),
                    Some(_) => {
                        assert_eq!(common::error_code(&body), "CONFLICT", "{body:#}");
                        conflicts += 1;
                    }
                }
            }
            (landed, conflicts)
        }));
    }
    let importer = {
        let (app, reg, stop) = (app.clone(), reg.clone(), stop.clone());
        tokio::spawn(async move {
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) {
                reg.set_revision(&format!(" r{rounds}"));
                import(&app, &reg.gen_uri(1)).await;
                rounds += 1;
            }
            rounds
        })
    };
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut landed = vec![];
    let mut conflicts = 0;
    for c in curators {
        let (l, n) = c.await.unwrap();
        landed.extend(l);
        conflicts += n;
    }
    let rounds = importer.await.unwrap();
    let elapsed = t.elapsed().as_secs_f64();

    // The last change: the marker's.
    app.data(
        "mutation($u: ID!) { updateSkill(uuid: $u, version: 1, input: {note: \"end\"}) { version } }",
        json!({"u": marker}),
    )
    .await;

    let recorded = ids(
        &app,
        &format!(
            "MATCH (a:Change {{id: '{start}'}}) MATCH (c:Change) WHERE c.seq > a.seq
             RETURN c.id AS id ORDER BY c.seq"
        ),
    )
    .await;
    println!(
        "integrity stress: {elapsed:.0} s, {} changes recorded ({:.0}/s), {} curator edits landed, {conflicts} refused with CONFLICT, {rounds} imports of {COMPETENCIES} competencies",
        recorded.len(),
        recorded.len() as f64 / elapsed,
        landed.len()
    );
    let position: HashMap<&str, usize> = recorded
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    for (k, s) in subscribers.into_iter().enumerate() {
        let got = s.await.unwrap();
        let mut seen = HashMap::new();
        let duplicated = got
            .iter()
            .filter(|id| seen.insert(id.as_str(), ()).is_some())
            .count();
        let lost = recorded
            .iter()
            .filter(|id| !seen.contains_key(id.as_str()))
            .count();
        let order: Vec<usize> = got
            .iter()
            .filter_map(|id| position.get(id.as_str()).copied())
            .collect();
        let out_of_order = order.windows(2).filter(|w| w[1] < w[0]).count();
        println!(
            "subscriber {k}: received {}, lost {lost}, duplicated {duplicated}, out of order {out_of_order}",
            got.len()
        );
    }
    let mut lost_edits = 0;
    for (u, v) in &landed {
        let q =
            neo4rs::query("MATCH (c:Change {skill_uuid: $u, version: $v}) RETURN count(c) AS n")
                .param("u", u.as_str())
                .param("v", *v);
        let rows = app.graph().rows_unchecked(q).await.unwrap();
        if rows[0].get::<i64>("n").unwrap() != 1 {
            lost_edits += 1;
        }
    }
    let broken = app
        .count(
            "MATCH (c:Change)
             WITH c.skill_uuid AS u, count(c) AS n, count(DISTINCT c.version) AS versions,
                  min(c.version) AS low, max(c.version) AS top
             MATCH (s:Skill {uuid: u})
             WHERE n <> versions OR top <> s.version OR top - low + 1 <> n
             RETURN count(s) AS n",
        )
        .await;
    println!("curator edits lost: {lost_edits}; skills whose history is not one change per version: {broken}");
}
