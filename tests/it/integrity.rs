//! Integrity under concurrency: edits sent at once at one version (every mutation that claims a
//! version) end with exactly one success and CONFLICT for the rest, and the skill's history holds
//! one change per version; an import racing curators loses none of their edits.
use common::{ce_server, error_code, TestApp};
use futures::future::join_all;
use serde_json::json;

const CREATE: &str = "mutation($i: SkillFieldsInput!) { createSkill(input: $i) { uuid } }";

/// A service that lets one caller run many operations at once, so that they race in the database.
async fn racing_app() -> TestApp {
    TestApp::start_with(|c| {
        c.limits.max_in_flight_per_caller = 64;
        c.limits.rate_mutations_per_minute = 0;
    })
    .await
}

async fn create(app: &TestApp, name: &str) -> String {
    app.data(CREATE, json!({"i": {"name": name}})).await["createSkill"]["uuid"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn version(app: &TestApp, uuid: &str) -> i64 {
    let d = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { version } }",
            json!({"u": uuid}),
        )
        .await;
    d["skill"]["version"].as_i64().unwrap()
}

/// The versions of the skill's recorded changes, in order.
async fn change_versions(app: &TestApp, uuid: &str) -> Vec<i64> {
    let rows = app
        .graph()
        .rows_unchecked(
            neo4rs::query("MATCH (c:Change {skill_uuid: $u}) RETURN c.version AS v ORDER BY v")
                .param("u", uuid),
        )
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<i64>("v").unwrap()).collect()
}

/// Sends every mutation at once (each `field(uuid, version, <args>)` at `version`); the index of
/// the one that succeeded. Every other is refused with CONFLICT.
async fn race(app: &TestApp, uuid: &str, version: i64, calls: &[(&str, String)]) -> usize {
    let sent = calls.iter().map(|(field, args)| {
        let q = format!(
            "mutation($u: ID!, $v: Int!) {{ {field}(uuid: $u, version: $v, {args}) {{ version }} }}"
        );
        async move { app.gql(&q, json!({"u": uuid, "v": version})).await }
    });
    let answers = join_all(sent).await;
    let won: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].get("errors").is_none())
        .collect();
    assert_eq!(
        won.len(),
        1,
        "exactly one edit at version {version} wins: {answers:#?}"
    );
    for (i, a) in answers.iter().enumerate() {
        if i != won[0] {
            assert_eq!(error_code(a), "CONFLICT", "{}: {a:#}", calls[i].0);
        }
    }
    assert_eq!(
        answers[won[0]]["data"][calls[won[0]].0]["version"],
        version + 1
    );
    won[0]
}

async fn start(app: &TestApp, uris: &[String]) -> String {
    let d = app.data(common::IMPORT, json!({ "u": uris })).await;
    d["importCredentialEngine"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn edits_sent_at_once_at_one_version_have_one_winner_and_one_change_per_version() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): its own retry of a statement whose commit met a
        // concurrent one was seen to keep the version bump and the change but not the name or
        // edge the statement set, so racing edits are not serialised there.
        eprintln!("skipped on ArcadeDB: concurrent edits at one version are not serialised");
        return;
    }
    let app = racing_app().await;
    let skill = create(&app, "Contested").await;
    let mut targets = vec![];
    for i in 0..10 {
        targets.push(create(&app, &format!("Target {i}")).await);
    }

    let updates: Vec<(&str, String)> = (0..20)
        .map(|i| ("updateSkill", format!("input: {{name: \"winner-{i}\"}}")))
        .collect();
    let won = race(&app, &skill, 1, &updates).await;
    let named = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { name } }",
            json!({"u": skill}),
        )
        .await;
    assert_eq!(named["skill"]["name"], format!("winner-{won}"));

    let parents: Vec<(&str, String)> = targets
        .iter()
        .map(|t| ("addSkillParent", format!("parentUuid: \"{t}\"")))
        .collect();
    let parent = race(&app, &skill, 2, &parents).await;
    let aligns: Vec<(&str, String)> = targets
        .iter()
        .map(|t| {
            (
                "addSkillAlignment",
                format!("targetUuid: \"{t}\", alignmentType: \"exact\""),
            )
        })
        .collect();
    race(&app, &skill, 3, &aligns).await;

    // Suggested alignments to every target, accepted and rejected at once.
    app.graph()
        .rows_unchecked(
            neo4rs::query(
                "MATCH (s:Skill {uuid: $s}), (t:Skill) WHERE t.uuid IN $t
                 MERGE (s)-[r:ALIGNED_WITH {source: 'inferred', alignment_type: 'broad'}]->(t)
                 SET r.kind = 'suggested'",
            )
            .param("s", skill.as_str())
            .param("t", targets.clone()),
        )
        .await
        .unwrap();
    let verdicts: Vec<(&str, String)> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let field = if i % 2 == 0 {
                "acceptSkillAlignment"
            } else {
                "rejectSkillAlignment"
            };
            let args =
                format!("targetUuid: \"{t}\", alignmentType: \"broad\", source: \"inferred\"");
            (field, args)
        })
        .collect();
    race(&app, &skill, 4, &verdicts).await;

    // Everything at once.
    let mixed: Vec<(&str, String)> = vec![
        ("updateSkill", "input: {description: \"mixed\"}".into()),
        (
            "addSkillParent",
            format!("parentUuid: \"{}\"", targets[(parent + 1) % 10]),
        ),
        (
            "removeSkillParent",
            format!("parentUuid: \"{}\"", targets[parent]),
        ),
        (
            "addSkillAlignment",
            format!("targetUuid: \"{}\", alignmentType: \"minor\"", targets[1]),
        ),
        ("updateSkill", "input: {note: \"mixed\"}".into()),
    ];
    race(&app, &skill, 5, &mixed).await;

    assert_eq!(version(&app, &skill).await, 6);
    assert_eq!(
        change_versions(&app, &skill).await,
        [1, 2, 3, 4, 5, 6],
        "one change per version, none lost, none duplicated"
    );
    let parents = app
        .count(&format!(
            "MATCH (:Skill {{uuid: '{skill}'}})-[:CHILD_OF]->(p:Skill) RETURN count(p) AS n"
        ))
        .await;
    assert!(
        parents <= 2,
        "one parent added at version 2 (and one more at most at 5)"
    );
}

/// An import that changes a skill while curators edit it (each retrying on CONFLICT from the
/// version it reads): every edit a curator was told succeeded is in the history, and the history
/// holds one change per version.
#[tokio::test]
async fn an_import_racing_curators_loses_none_of_their_edits() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): concurrent writes of one skill are not serialised
        // there, and a version was seen without its change.
        eprintln!("skipped on ArcadeDB: concurrent writes of one skill are not serialised");
        return;
    }
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
        c.limits.max_in_flight_per_caller = 64;
        c.limits.rate_mutations_per_minute = 0;
    })
    .await;
    let uris = vec![reg.uri("/resources/ce-fw-a"), reg.uri("/resources/ce-fw-b")];
    let first = start(&app, &uris).await;
    let done = app.job_when_finished(&first, "status").await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    let uuids: Vec<String> = app
        .graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN s.uuid AS u ORDER BY u",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("u").unwrap())
        .collect();

    // The registry publishes a revision (every description changes) while four curators edit
    // every skill's note, each edit retried at the version it then reads until it lands.
    reg.set_revision(" (revised)");
    let second = start(&app, &uris).await;
    let curator = |c: usize| {
        let app = &app;
        let uuids = &uuids;
        async move {
            let mut landed = vec![];
            for u in uuids {
                let note = format!("curator {c}");
                loop {
                    let v = version(app, u).await;
                    let body = app
                        .gql(
                            "mutation($u: ID!, $v: Int!, $n: String!) {
                                updateSkill(uuid: $u, version: $v, input: {note: $n}) { version } }",
                            json!({"u": u, "v": v, "n": note}),
                        )
                        .await;
                    if body.get("errors").is_none() {
                        landed.push((u.clone(), v + 1, note));
                        break;
                    }
                    assert_eq!(error_code(&body), "CONFLICT", "{body:#}");
                }
            }
            landed
        }
    };
    let landed: Vec<_> = join_all((0..4).map(curator)).await.concat();
    let done = app.job_when_finished(&second, "status").await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");

    for u in &uuids {
        let versions = change_versions(&app, u).await;
        let expected: Vec<i64> = (1..=version(&app, u).await).collect();
        assert_eq!(versions, expected, "{u}: one change per version");
    }
    // Each landed edit is the change recorded at the version it was told.
    for (u, v, note) in landed {
        let rows = app
            .graph()
            .rows_unchecked(
                neo4rs::query(
                    "MATCH (c:Change {skill_uuid: $u, version: $v}) RETURN c.by AS by, c.fields AS f",
                )
                .param("u", u.as_str())
                .param("v", v),
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{u} v{v}");
        let fields: String = rows[0].get("f").unwrap_or_default();
        assert!(fields.contains(&note), "{u} v{v}: {fields}");
    }
}

const ADD_PARENT: &str = "mutation($u: ID!, $v: Int!, $p: ID!) {
    addSkillParent(uuid: $u, version: $v, parentUuid: $p) { version } }";

/// Skills that are their own ancestors.
async fn skills_in_a_cycle(app: &TestApp) -> i64 {
    app.count("MATCH (s:Skill) WHERE EXISTS { (s)-[:CHILD_OF*]->(s) } RETURN count(s) AS n")
        .await
}

#[tokio::test]
async fn a_parent_link_that_would_close_a_cycle_is_refused_naming_the_path() {
    let app = racing_app().await;
    let [a, b, c] = [
        create(&app, "Alpha").await,
        create(&app, "Beta").await,
        create(&app, "Gamma").await,
    ];
    // Gamma under Beta under Alpha.
    app.data(ADD_PARENT, json!({"u": b, "v": 1, "p": a})).await;
    app.data(ADD_PARENT, json!({"u": c, "v": 1, "p": b})).await;

    let refused = app.gql(ADD_PARENT, json!({"u": a, "v": 1, "p": c})).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused:#}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("Alpha → Gamma → Beta → Alpha"),
        "{message}"
    );
    assert_eq!(version(&app, &a).await, 1, "nothing written");
    assert_eq!(skills_in_a_cycle(&app).await, 0);
}

/// Four skills, A under B and C under D; then B put under C while D is put under A, at the same
/// moment: no skill is written by both, so neither the skills' versions nor their locks order
/// the two links, and each alone closes no cycle. One stands, the other is refused.
#[tokio::test]
async fn parent_links_made_at_once_never_close_a_cycle() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): both links were seen to stand, though each
        // statement writes the hierarchy's node first.
        eprintln!("skipped on ArcadeDB: parent links made at once are not serialised");
        return;
    }
    let app = racing_app().await;
    let mut quads = vec![];
    for i in 0..12 {
        let mut q = vec![];
        for name in ["A", "B", "C", "D"] {
            q.push(create(&app, &format!("{name} {i}")).await);
        }
        app.data(ADD_PARENT, json!({"u": q[0], "v": 1, "p": q[1]}))
            .await;
        app.data(ADD_PARENT, json!({"u": q[2], "v": 1, "p": q[3]}))
            .await;
        quads.push(q);
    }
    let sent = quads.iter().flat_map(|q| {
        let app = &app;
        [(&q[1], &q[2]), (&q[3], &q[0])].map(|(child, parent)| async move {
            app.gql(ADD_PARENT, json!({"u": child, "v": 1, "p": parent}))
                .await
        })
    });
    let answers = join_all(sent).await;
    for pair in answers.chunks(2) {
        let won = pair.iter().filter(|a| a.get("errors").is_none()).count();
        assert_eq!(won, 1, "one link of each four: {pair:#?}");
        let lost = pair.iter().find(|a| a.get("errors").is_some()).unwrap();
        assert_eq!(error_code(lost), "BAD_USER_INPUT", "{lost:#}");
    }
    assert_eq!(skills_in_a_cycle(&app).await, 0);
}

/// A publisher's hierarchy that loops is written without the link that closes the loop, which
/// is that competency's error; a link that would close a loop with a curator's is refused too.
#[tokio::test]
async fn an_import_records_a_cycle_as_the_competencys_error_instead_of_writing_it() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| c.ingest.ce_allowed_hosts = ce_server::allowed()).await;
    let uris = vec![reg.uri("/resources/ce-fw-cycle")];
    let comp = |i: usize| reg.uri(&format!("/resources/ce-cyc-{i}"));
    let errors = |job: &serde_json::Value| -> Vec<(String, String)> {
        job["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                (s("target"), s("message"))
            })
            .collect()
    };
    let first = start(&app, &uris).await;
    let job = app
        .job_when_finished(&first, "status errors { target message }")
        .await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    let errs = errors(&job);
    assert_eq!(errs.len(), 1, "{job:#}");
    assert_eq!(errs[0].0, comp(2));
    let cycle = format!("{} → {} → {} → {}", comp(2), comp(1), comp(0), comp(2));
    assert!(errs[0].1.contains(&cycle), "{}", errs[0].1);
    assert_eq!(skills_in_a_cycle(&app).await, 0);
    let linked = app
        .count("MATCH (:Skill)-[e:CHILD_OF]->(:Skill) RETURN count(e) AS n")
        .await;
    assert_eq!(linked, 2, "0 under 2 and 1 under 0; 2 under 1 left out");

    // A curator puts 3 under 1; the publisher then puts 1 under 3 as well.
    let uuid = |i: usize| {
        let app = &app;
        let uri = comp(i);
        async move {
            let q = format!("MATCH (s:Skill {{uri: '{uri}'}}) RETURN s.uuid AS u");
            let rows = app.graph().rows_unchecked(neo4rs::query(&q)).await.unwrap();
            rows[0].get::<String>("u").unwrap()
        }
    };
    let (one, three) = (uuid(1).await, uuid(3).await);
    let v = version(&app, &three).await;
    app.data(ADD_PARENT, json!({"u": three, "v": v, "p": one}))
        .await;
    reg.cycle_back
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let second = start(&app, &uris).await;
    let job = app
        .job_when_finished(&second, "status errors { target message }")
        .await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    let errs = errors(&job);
    let closing = errs
        .iter()
        .find(|(t, m)| *t == comp(1) && m.contains(&format!("{} descends from it", comp(3))));
    assert!(closing.is_some(), "{job:#}");
    assert_eq!(skills_in_a_cycle(&app).await, 0);
}

/// The ids of the changes numbered after that of change `after`, in order.
async fn changes_after(app: &TestApp, after: &str) -> Vec<String> {
    let q = neo4rs::query(
        "MATCH (a:Change {id: $a}) MATCH (c:Change) WHERE c.seq > a.seq
         RETURN c.id AS id ORDER BY c.seq",
    )
    .param("a", after);
    let rows = app.graph().rows_unchecked(q).await.unwrap();
    rows.iter()
        .map(|r| r.get::<String>("id").unwrap())
        .collect()
}

/// The id of the last change of skill `uuid`.
async fn last_change(app: &TestApp, uuid: &str) -> String {
    let q = neo4rs::query(
        "MATCH (c:Change {skill_uuid: $u}) RETURN c.id AS id ORDER BY c.version DESC LIMIT 1",
    )
    .param("u", uuid);
    let rows = app.graph().rows_unchecked(q).await.unwrap();
    rows[0].get::<String>("id").unwrap()
}

/// An import of 10,050 competencies records over 20,000 changes in seconds (more than 2,000
/// share every 2 s, which stalled the feed that read by time); a subscriber receives each once,
/// in the order committed, then a curator's edit made after it.
#[tokio::test]
async fn a_subscriber_receives_every_change_of_a_burst_and_the_edit_after_it() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): during a 4,000-change import there, a subscriber
        // received nothing for a minute; the feed's small-scale test passes on it.
        eprintln!("skipped on ArcadeDB: the change feed during a large import");
        return;
    }
    let (competencies, changes) = (10_050, 20_000);
    let (_, reg) = ce_server::start(0).await;
    reg.generate(competencies, std::time::Duration::ZERO);
    let app = TestApp::start_with(|c| c.ingest.ce_allowed_hosts = ce_server::allowed()).await;
    let skill = create(&app, "Edited after the burst").await;
    let start = last_change(&app, &skill).await;

    // Subscribed after a known change, so no change is missed however long subscribing takes.
    let mut conn = common::ws::Connection::open(app.addr, json!({})).await;
    conn.subscribe(
        "all",
        &format!("subscription {{ graphChanges(after: \"{start}\") {{ id skillUuid }} }}"),
    )
    .await;
    let job = start_import(&app, &[reg.gen_uri(0)]).await;
    let mut received = vec![];
    let mut edited = false;
    let edit = loop {
        let m = conn.next_message(std::time::Duration::from_secs(60)).await;
        assert_eq!(m["type"], "next", "{m:#}");
        let change = &m["payload"]["data"]["graphChanges"];
        if change["skillUuid"] == skill.as_str() {
            break change["id"].as_str().unwrap().to_string();
        }
        received.push(change["id"].as_str().unwrap().to_string());
        if !edited && received.len() >= changes {
            let done = app.job_when_finished(&job, "status").await;
            assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
            app.data(
                "mutation($u: ID!) { updateSkill(uuid: $u, version: 1, input: {note: \"after\"}) { version } }",
                json!({"u": skill}),
            )
            .await;
            edited = true;
        }
    };
    assert!(received.len() >= changes, "{}", received.len());
    let mut recorded = changes_after(&app, &start).await;
    assert_eq!(
        recorded.pop().as_deref(),
        Some(edit.as_str()),
        "the edit comes last"
    );
    assert_eq!(received.len(), recorded.len(), "none lost, none twice");
    assert!(received == recorded, "in the order committed");
}

async fn start_import(app: &TestApp, uris: &[String]) -> String {
    start(app, uris).await
}

/// A subscriber that falls further behind than its buffer gets an error naming the change to
/// resume after; resuming after it brings every change it missed, in order.
#[tokio::test]
async fn a_subscriber_behind_its_buffer_is_told_where_to_resume_and_misses_nothing() {
    use futures::StreamExt;
    use skillgraph::api::change_feed::FeedError;
    let app = TestApp::start_with(|c| {
        c.limits.change_feed_buffer = 16;
        c.limits.rate_mutations_per_minute = 0;
    })
    .await;
    let skill = create(&app, "Busy").await;
    let start = last_change(&app, &skill).await;
    let feed = app.state.change_feed.clone();
    let mut behind = Box::pin(feed.subscribe(None).await.unwrap());
    for v in 1..=40 {
        app.data(
            "mutation($u: ID!, $v: Int!, $n: String!) { updateSkill(uuid: $u, version: $v, input: {note: $n}) { version } }",
            json!({"u": skill, "v": v, "n": format!("note {v}")}),
        )
        .await;
    }
    // Not read meanwhile: wait until the poller has handed all 40 out.
    let last = last_change(&app, &skill).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let target = feed_position_of(&app, &last).await;
    while feed.broadcast_position() < target {
        assert!(
            std::time::Instant::now() < deadline,
            "the poller did not catch up"
        );
        tokio::task::yield_now().await;
    }
    let resume_after = match behind.next().await {
        Some(Err(FeedError::Lagged {
            missed,
            resume_after,
            ..
        })) => {
            assert!(missed >= 24, "{missed}");
            resume_after
        }
        other => panic!("expected a lag error, got {other:?}"),
    };
    assert_eq!(
        resume_after, start,
        "it had received nothing after the start"
    );
    assert!(behind.next().await.is_none(), "then the stream ends");

    let mut resumed = Box::pin(feed.subscribe(Some(&resume_after)).await.unwrap());
    let mut got = vec![];
    while got.len() < 40 {
        let c = tokio::time::timeout(std::time::Duration::from_secs(30), resumed.next())
            .await
            .expect("a change in time")
            .unwrap()
            .unwrap();
        got.push(c.id.to_string());
    }
    assert_eq!(got, changes_after(&app, &start).await);
}

async fn feed_position_of(app: &TestApp, id: &str) -> i64 {
    let q = neo4rs::query("MATCH (c:Change {id: $id}) RETURN c.seq AS s").param("id", id);
    let rows = app.graph().rows_unchecked(q).await.unwrap();
    rows[0].get::<i64>("s").unwrap()
}

/// A curator edits a skill a running revert has not reached yet: that skill stays as the
/// curator left it, the revert restores all the others, and its counts and message say exactly
/// that.
#[tokio::test]
async fn a_revert_racing_a_curator_counts_what_it_restored() {
    if common::engine() != common::Engine::Neo4j {
        // ArcadeDB differs (docs/engines.md): a revert of more than a page (1,000) of changes
        // was seen to restore and count fewer skills than the import made.
        eprintln!("skipped on ArcadeDB: reverts of more than 1,000 changes");
        return;
    }
    const N: usize = 1_500;
    let (_, reg) = ce_server::start(0).await;
    reg.generate(N, std::time::Duration::ZERO);
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.write_batch_size = 20;
    })
    .await;
    let imported = start(&app, &[reg.gen_uri(0)]).await;
    let done = app.job_when_finished(&imported, "status").await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    // Skills are restored in uuid order: the last is reached last.
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill) RETURN s.uuid AS u ORDER BY u DESC LIMIT 1",
        ))
        .await
        .unwrap();
    let last: String = rows[0].get("u").unwrap();

    let d = app
        .data(
            "mutation($n: String!) { revertJob(jobName: $n) { name } }",
            json!({"n": imported}),
        )
        .await;
    let revert = d["revertJob"]["name"].as_str().unwrap().to_string();
    let restored = format!("MATCH (c:Change {{job: '{revert}'}}) RETURN count(c) AS n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while app.count(&restored).await < 100 {
        assert!(
            std::time::Instant::now() < deadline,
            "the revert wrote nothing"
        );
        tokio::task::yield_now().await;
    }
    let v = version(&app, &last).await;
    let edited = app
        .gql(
            "mutation($u: ID!, $v: Int!) { updateSkill(uuid: $u, version: $v, input: {description: \"mine\"}) { version } }",
            json!({"u": last, "v": v}),
        )
        .await;
    assert!(edited.get("errors").is_none(), "{edited:#}");

    let end = app
        .job_when_finished(&revert, "status message progress { skillsRemoved }")
        .await;
    assert_eq!(end["status"], "FAILED", "{end:#}");
    assert_eq!(end["progress"]["skillsRemoved"], N - 1, "{end:#}");
    let message = end["message"].as_str().unwrap();
    assert!(message.contains(&format!("removed {}", N - 1)), "{message}");
    assert_eq!(app.count(&restored).await, N as i64 - 1);
    assert_eq!(
        app.count("MATCH (s:Skill) RETURN count(s) AS n").await,
        1,
        "the curator's skill stays"
    );
}

const UPDATE: &str = "mutation($u: ID!, $v: Int!, $i: SkillFieldsInput!) {
    updateSkill(uuid: $u, version: $v, input: $i) { version } }";

/// Text limits in bytes, the same rule on every field: at the limit a value is stored (the
/// name in its index too), one byte over it is refused naming the limit, and nothing changes.
#[tokio::test]
async fn curation_text_is_held_to_byte_limits_at_the_boundary() {
    let app = racing_app().await;
    let skill = create(&app, "Bounded").await;
    // Three-byte characters: 1,333 of them are 3,999 bytes, 1,334 are 4,002.
    let at_limit = json!({
        "name": format!("{}a", "€".repeat(1_333)),
        "description": "d".repeat(10_000),
        "note": "n".repeat(10_000),
        "sourceName": "s".repeat(4_000),
    });
    let stored = app
        .gql(UPDATE, json!({"u": skill, "v": 1, "i": at_limit}))
        .await;
    assert!(stored.get("errors").is_none(), "{stored:#}");
    let over = [
        (
            "name",
            json!("€".repeat(1_334)),
            "name: 4002 bytes, over the limit of 4000 bytes",
        ),
        (
            "name",
            json!("n".repeat(9_000)),
            "name: 9000 bytes, over the limit of 4000 bytes",
        ),
        (
            "description",
            json!("d".repeat(10_001)),
            "description: 10001 bytes, over the limit of 10000 bytes",
        ),
        (
            "note",
            json!("n".repeat(10_001)),
            "note: 10001 bytes, over the limit of 10000 bytes",
        ),
        ("name", json!("\u{200B}"), "cannot be blank"),
        ("name", json!("a\u{2067}b\u{2069}"), "U+2067 is not allowed"),
    ];
    for (field, value, says) in over {
        let body = app
            .gql(UPDATE, json!({"u": skill, "v": 2, "i": {field: value}}))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{field}: {body:#}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(version(&app, &skill).await, 2, "nothing written");
}

/// A registry competency with a 9 KB name is that competency's error; its framework's other
/// competencies are imported.
#[tokio::test]
async fn a_competency_over_the_length_limit_is_its_own_error() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| c.ingest.ce_allowed_hosts = ce_server::allowed()).await;
    let job = start(&app, &[reg.uri("/resources/ce-fw-long")]).await;
    let done = app
        .job_when_finished(&job, "status errors { target message }")
        .await;
    assert_eq!(done["status"], "SUCCEEDED", "{done:#}");
    let errors = done["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{done:#}");
    assert_eq!(errors[0]["target"], reg.uri("/resources/ce-long-1"));
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("name: 9000 bytes, over the limit of 4000 bytes"),
        "{message}"
    );
    assert_eq!(
        app.count("MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN count(s) AS n")
            .await,
        2
    );
}
