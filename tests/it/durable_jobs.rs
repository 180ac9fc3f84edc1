//! Durable jobs across real service processes on one database: a SIGKILL mid-import (another
//! process resumes the same job), a cancel sent to one replica stopping a job another runs, a
//! subscriber on one replica following a job through the takeover, SIGTERM handing an import
//! back, and a file load cut short by a kill.

use std::time::{Duration, Instant};

use common::process::Service;
use common::{ce_server, s3, ws};
use serde_json::{json, Value};

/// Every field of the job a subscriber sees change (each update differs in one of them).
const FIELDS: &str = "name status message finished attempts runner cancelRequested
    progress { frameworksTotal frameworksDone competenciesTotal competenciesDone rowsRead rowsLoaded rowsRejected
      changesKept skillsAdded skillsChanged skillsRemoved edgesAdded edgesChanged edgesRemoved changesUnrecorded }";

/// Competencies per generated framework: 50 top-level, 70 children (CHILD_OF), one occupation
/// each.
const SIZE: i64 = 120;
const CHILDREN: i64 = SIZE - 50;

async fn import(service: &Service, uris: &[String]) -> String {
    let d = service.data(common::IMPORT, json!({"u": uris})).await;
    d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

fn status(j: &Value) -> &str {
    j["status"].as_str().unwrap()
}

#[tokio::test]
async fn a_job_survives_a_sigkill_on_another_process_and_cancel_crosses_replicas() {
    let (_, reg) = ce_server::start(0).await;
    reg.generate(SIZE as usize, Duration::from_millis(700));
    let db = common::fresh_database().await;
    let mut a = Service::start(&db, &[("SKILLGRAPH_JOB_CONCURRENCY", "2")]).await;

    // Two jobs on A alone: a slow six-framework import, and one stuck on a registry that never
    // answers.
    let frameworks: Vec<String> = (0..6).map(|k| reg.gen_uri(k)).collect();
    let long = import(&a, &frameworks).await;
    let stuck = import(&a, &[reg.uri("/resources/ce-hang")]).await;
    let before_kill = a
        .wait_for(&long, FIELDS, Duration::from_secs(60), |j| {
            status(j) == "ACTIVE" && j["progress"]["frameworksDone"].as_i64() >= Some(2)
        })
        .await;
    let a_runner = before_kill["runner"].as_str().unwrap().to_string();
    let s = a
        .wait_for(&stuck, FIELDS, Duration::from_secs(10), |j| {
            status(j) == "ACTIVE"
        })
        .await;
    assert_eq!(s["runner"], a_runner, "both jobs run on A");

    // B joins; a subscriber on B follows the import A runs.
    let b = Service::start(&db, &[]).await;
    let sub = ws::background(
        b.socket_addr(),
        &format!("subscription($n:String!){{ jobUpdates(jobName:$n){{ {FIELDS} }} }}"),
        json!({"n": long}),
        Duration::from_secs(120),
    )
    .await;
    assert_eq!(sub.first["data"]["jobUpdates"]["runner"], a_runner);

    // A cancel sent to B stops the job A runs, in the middle of its hung fetch.
    let deadline = Instant::now() + Duration::from_secs(10);
    while reg.hits("/resources/ce-hang") == 0 {
        assert!(Instant::now() < deadline, "the hung fetch never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let asked = Instant::now();
    let c = b
        .data(
            "mutation($n:String!){ cancelJob(jobName:$n){ status cancelRequested } }",
            json!({"n": stuck}),
        )
        .await;
    assert_eq!(
        c["cancelJob"],
        json!({"status": "ACTIVE", "cancelRequested": true})
    );
    let cancelled = b
        .wait_for(&stuck, FIELDS, Duration::from_secs(10), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(cancelled["status"], "CANCELLED", "{cancelled:#}");
    assert_eq!(cancelled["runner"], a_runner);
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );

    // A dies mid-import; B takes the same job over and finishes it.
    let done_at_kill = a.job(&long, FIELDS).await["progress"]["frameworksDone"].clone();
    assert_ne!(
        done_at_kill, 6,
        "the import was still running when A was killed"
    );
    a.kill();
    let killed = Instant::now();
    let resumed = b
        .wait_for(&long, FIELDS, Duration::from_secs(30), |j| {
            j["attempts"] == 2
        })
        .await;
    let takeover = killed.elapsed();
    println!("SIGKILL to resumed on another process: {takeover:?} (lease 2 s, poll 200 ms)");
    let b_runner = resumed["runner"].as_str().unwrap().to_string();
    assert_ne!(b_runner, a_runner);
    let end = b
        .wait_for(&long, FIELDS, Duration::from_secs(120), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["name"], long, "the same job");
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["runner"], b_runner);
    let p = &end["progress"];
    assert_eq!(p["frameworksDone"], 6);
    assert_eq!(
        p["competenciesTotal"],
        6 * SIZE,
        "counted once, resume or not"
    );
    assert_eq!(p["competenciesDone"], 6 * SIZE);
    // Frameworks A had finished were not fetched again; at most the one it was cut short in.
    let fetches = reg.gen_fetches();
    assert!((6..=7).contains(&fetches), "{fetches} @graph fetches");

    // Exact counts, no duplicates.
    let g = common::connect(&db).await;
    let named = "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN count(s) AS n";
    assert_eq!(common::count(&g, named).await, 6 * SIZE);
    let child_of = "MATCH (:Skill)-[r:CHILD_OF]->(:Skill) RETURN count(r) AS n";
    assert_eq!(common::count(&g, child_of).await, 6 * CHILDREN);
    let occupations = "MATCH (:Skill)-[r:HAS_OCCUPATION]->(:Occupation) RETURN count(r) AS n";
    assert_eq!(common::count(&g, occupations).await, 6 * SIZE);
    assert_eq!(common::duplicate_edges(&g, "CHILD_OF").await, 0);
    assert_eq!(common::duplicate_edges(&g, "PART_OF").await, 0);

    // The subscriber on B saw the job run on A, then on B, to its end, without repeats.
    let (rest, ending) = sub.rest.await.unwrap();
    assert_eq!(ending, ws::Ending::Complete);
    let updates: Vec<&Value> = rest.iter().map(|u| &u["data"]["jobUpdates"]).collect();
    assert!(updates.iter().any(|u| u["runner"] == a_runner));
    assert!(updates.iter().any(|u| u["runner"] == b_runner));
    assert_eq!(status(updates.last().unwrap()), "SUCCEEDED");
    for w in updates.windows(2) {
        assert_ne!(w[0], w[1], "repeated update");
    }
}

#[tokio::test]
async fn sigterm_hands_an_import_back_and_tells_subscribers() {
    let (_, reg) = ce_server::start(0).await;
    reg.generate(SIZE as usize, Duration::from_millis(600));
    let db = common::fresh_database().await;
    let mut a = Service::start(&db, &[]).await;
    let frameworks: Vec<String> = (0..5).map(|k| reg.gen_uri(k)).collect();
    let name = import(&a, &frameworks).await;
    a.wait_for(&name, FIELDS, Duration::from_secs(60), |j| {
        status(j) == "ACTIVE" && j["progress"]["frameworksDone"].as_i64() >= Some(1)
    })
    .await;
    let sub = ws::background(
        a.socket_addr(),
        &format!("subscription($n:String!){{ jobUpdates(jobName:$n){{ {FIELDS} }} }}"),
        json!({"n": name}),
        Duration::from_secs(60),
    )
    .await;

    let exit = a.terminate(Duration::from_secs(20)).await;
    assert!(exit.success(), "{exit:?}");
    // The subscriber got the job's last state (back in the queue) and a proper `complete`.
    let (rest, ending) = sub.rest.await.unwrap();
    assert_eq!(ending, ws::Ending::Complete);
    let last = &rest.last().unwrap()["data"]["jobUpdates"];
    assert_eq!(last["status"], "QUEUED", "{last:#}");
    assert_eq!(last["runner"], Value::Null);
    let done_then = last["progress"]["frameworksDone"].as_i64().unwrap();
    assert!((1..5).contains(&done_then), "{last:#}");

    // Another process picks it up and resumes after the frameworks already done.
    let b = Service::start(&db, &[]).await;
    let end = b
        .wait_for(&name, FIELDS, Duration::from_secs(120), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["attempts"], 2);
    assert_eq!(end["progress"]["competenciesDone"], 5 * SIZE);
    let fetches = reg.gen_fetches();
    assert!((5..=6).contains(&fetches), "{fetches} @graph fetches");
}

#[tokio::test]
async fn a_file_load_cut_short_by_a_kill_fails_saying_what_was_committed() {
    const ROWS: usize = 30_000;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "big.csv", s3::learning_csv(ROWS, 100, 7)).await;
    let db = common::fresh_database().await;
    let mut a = Service::start(&db, &[("SKILLGRAPH_FILE_LOAD_BATCH_SIZE", "200")]).await;
    let name = start_load(&a, &format!("s3://{bucket}/big.csv")).await;
    a.wait_for(&name, FIELDS, Duration::from_secs(60), |j| {
        j["progress"]["rowsLoaded"].as_i64() >= Some(1000)
    })
    .await;
    a.kill();

    let b = Service::start(&db, &[]).await;
    let end = b
        .wait_for(&name, FIELDS, Duration::from_secs(30), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["status"], "FAILED", "{end:#}");
    let loaded = end["progress"]["rowsLoaded"].as_i64().unwrap();
    assert!((1000..ROWS as i64).contains(&loaded), "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{loaded} rows were committed")),
        "{message}"
    );
    assert!(
        message.contains("submitting the same task again is safe"),
        "{message}"
    );
    let g = common::connect(&db).await;
    let stored = common::count(&g, "MATCH (e:SkillEvent) RETURN count(e) AS n").await;
    assert!(stored >= loaded, "{stored} stored, {loaded} reported");
}

async fn start_load(service: &Service, uri: &str) -> String {
    let d = service
        .data(common::LOAD_TASK, common::load_task(uri))
        .await;
    d["createFileLoadTask"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn sigterm_lets_a_file_load_drain_and_fails_it_past_the_drain_timeout() {
    const ROWS: usize = 6_000;
    let bucket = s3::bucket().await;
    s3::put(&bucket, "drain.csv", s3::learning_csv(ROWS, 10, 3)).await;
    let uri = format!("s3://{bucket}/drain.csv");
    let db = common::fresh_database().await;
    let g = common::connect(&db).await;
    let job_status = |name: String| {
        let g = g.clone();
        async move {
            let q = format!("MATCH (j:Job {{name: '{name}'}}) RETURN j.status AS s, j.rows_loaded AS n, j.message AS m");
            let rows = g.rows_unchecked(neo4rs::query(&q)).await.unwrap();
            let r = &rows[0];
            (
                r.get::<String>("s").unwrap(),
                r.get::<i64>("n").unwrap(),
                r.get::<Option<String>>("m").unwrap(),
            )
        }
    };

    // A drain long enough: the load finishes before the process exits.
    let mut a = Service::start(&db, &[("SKILLGRAPH_FILE_LOAD_BATCH_SIZE", "200")]).await;
    let name = start_load(&a, &uri).await;
    a.wait_for(&name, FIELDS, Duration::from_secs(30), |j| {
        status(j) == "ACTIVE" && j["progress"]["rowsLoaded"].as_i64() >= Some(200)
    })
    .await;
    assert!(a.terminate(Duration::from_secs(60)).await.success());
    let (s, loaded, _) = job_status(name).await;
    assert_eq!((s.as_str(), loaded), ("succeeded", ROWS as i64));

    // A drain too short: the load is stopped and fails, saying what was committed.
    let mut b = Service::start(
        &db,
        &[
            ("SKILLGRAPH_FILE_LOAD_BATCH_SIZE", "200"),
            ("SKILLGRAPH_JOB_DRAIN_MS", "300"),
        ],
    )
    .await;
    let name = start_load(&b, &uri).await;
    b.wait_for(&name, FIELDS, Duration::from_secs(30), |j| {
        status(j) == "ACTIVE" && j["progress"]["rowsLoaded"].as_i64() >= Some(200)
    })
    .await;
    assert!(b.terminate(Duration::from_secs(20)).await.success());
    let (s, loaded, message) = job_status(name).await;
    assert_eq!(s, "failed");
    assert!(loaded < ROWS as i64, "{loaded}");
    let message = message.unwrap();
    assert!(
        message.contains("shut down") && message.contains(&format!("{loaded} rows were committed")),
        "{message}"
    );
}

/// Waits (up to 30 s) until the hanging document was requested `n` times.
async fn fetched(reg: &ce_server::Registry, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reg.hits("/resources/ce-hang") < n {
        assert!(Instant::now() < deadline, "fetch {n} never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_job_whose_process_keeps_dying_ends_failed_at_the_attempt_cap() {
    let (_, reg) = ce_server::start(0).await;
    let db = common::fresh_database().await;
    let cap = [("SKILLGRAPH_JOB_MAX_ATTEMPTS", "2")];
    let mut a = Service::start(&db, &cap).await;
    let name = import(&a, &[reg.uri("/resources/ce-hang")]).await;
    a.wait_for(&name, FIELDS, Duration::from_secs(10), |j| {
        status(j) == "ACTIVE" && j["attempts"] == 1
    })
    .await;
    // Killed once it is fetching: a claim is written before the fetch starts.
    fetched(&reg, 1).await;
    a.kill();
    // B takes it over, the second attempt, and dies too (as a job that exhausts memory would
    // kill every process that runs it).
    let mut b = Service::start(&db, &cap).await;
    b.wait_for(&name, FIELDS, Duration::from_secs(30), |j| {
        status(j) == "ACTIVE" && j["attempts"] == 2
    })
    .await;
    fetched(&reg, 2).await;
    b.kill();
    // C does not run it a third time.
    let c = Service::start(&db, &cap).await;
    let end = c
        .wait_for(&name, FIELDS, Duration::from_secs(30), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["status"], "FAILED", "{end:#}");
    assert_eq!(end["attempts"], 2, "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(
        message.contains("died during each of its last 2 attempts"),
        "{message}"
    );
    assert_eq!(reg.hits("/resources/ce-hang"), 2, "C never fetched");
}

/// A revert of a 3,000-competency import killed once part of it is written: another process
/// takes the same job over, skips what the first restored (its own changes are no conflict),
/// restores the rest, and counts every skill once.
#[tokio::test]
async fn a_revert_killed_halfway_is_finished_by_another_process_with_exact_counts() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): see integrity::a_revert_racing_a_curator.
        eprintln!("skipped on ArcadeDB: reverts of more than 1,000 changes");
        return;
    }
    const N: usize = 3_000;
    let (_, reg) = ce_server::start(0).await;
    reg.generate(N, Duration::ZERO);
    let db = common::fresh_database().await;
    // Small write batches, so the revert is still running when it is killed.
    let small = [("SKILLGRAPH_WRITE_BATCH_SIZE", "20")];
    let mut a = Service::start(&db, &small).await;
    let imported = import(&a, &[reg.gen_uri(0)]).await;
    let done = a
        .wait_for(&imported, FIELDS, Duration::from_secs(300), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    let g = common::connect(&db).await;
    let skills = common::count(&g, "MATCH (s:Skill) RETURN count(s) AS n").await;
    assert_eq!(skills, N as i64);

    let d = a
        .data(
            "mutation($n: String!) { revertJob(jobName: $n) { name } }",
            json!({"n": imported}),
        )
        .await;
    let revert = d["revertJob"]["name"].as_str().unwrap().to_string();
    let restored = format!("MATCH (c:Change {{job: '{revert}'}}) RETURN count(c) AS n");
    let deadline = Instant::now() + Duration::from_secs(120);
    let at_kill = loop {
        let n = common::count(&g, &restored).await;
        if n >= 200 {
            break n;
        }
        assert!(Instant::now() < deadline, "the revert wrote nothing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    a.kill();
    let at_kill = at_kill.max(common::count(&g, &restored).await);
    assert!(
        at_kill < N as i64,
        "killed halfway: {at_kill} of {N} restored"
    );

    let b = Service::start(&db, &small).await;
    let end = b
        .wait_for(&revert, FIELDS, Duration::from_secs(300), |j| {
            j["finished"] == true
        })
        .await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["attempts"], 2, "{end:#}");
    assert_eq!(
        end["progress"]["skillsRemoved"], N,
        "each skill counted once"
    );
    assert_eq!(
        common::count(&g, &restored).await,
        N as i64,
        "one change per skill"
    );
    assert_eq!(
        common::count(&g, "MATCH (s:Skill) RETURN count(s) AS n").await,
        0,
        "the graph as before the import"
    );
}
