//! Curation: people create, correct, link and align skills through GraphQL; each edit is made at
//! the version read (a stale one is refused with CONFLICT), is recorded in the skill's history,
//! and survives a re-import of the recorded registry documents; a cached read shows it at once.
use std::time::{Duration, Instant};

use common::process::Service;
use common::{ce_server, error_code, ws, TestApp};
use serde_json::{json, Value};

const SKILL: &str = "query($u: ID!) { skill(uuid: $u) { uuid name description version curatedFields note
    parentNodes { uuid name }
    alignments { skillAlignment { source aligned { uuid name alignmentType } suggested { uuid name alignmentType } } } } }";
const HISTORY: &str =
    "query($u: ID!, $after: String) { skill(uuid: $u) { history(first: 3, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { version actor by operation fields { field before after }
      edgesAdded { kind target source alignmentType alignmentKind }
      edgesRemoved { kind target source alignmentType alignmentKind } } } } }";
const UPDATE: &str = "mutation($u: ID!, $v: Int!, $i: SkillFieldsInput!) {
    updateSkill(uuid: $u, version: $v, input: $i) { name description version curatedFields note } }";
const IMPORT_FIELDS: &str = "name status progress { competenciesDone changesKept }
    changes(first: 100) { counts { skillsAdded skillsChanged edgesAdded edgesChanged edgesRemoved changesKept unrecorded }
      pageInfo { hasNextPage }
      nodes { skillUuid actor by job operation fields { field before after }
        edgesAdded { kind targetUri alignmentType } edgesRemoved { kind targetUri } } }";

async fn import(app: &TestApp, uris: &[String]) -> Value {
    let d = app.data(common::IMPORT, json!({ "u": uris })).await;
    let name = d["importCredentialEngine"]["name"].as_str().unwrap();
    let job = app.job_when_finished(name, "status").await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    let q = format!("query($n: String!) {{ job(jobName: $n) {{ {IMPORT_FIELDS} }} }}");
    app.data(&q, json!({"n": name})).await["job"].clone()
}

async fn skill(app: &TestApp, uuid: &str) -> Value {
    app.data(SKILL, json!({ "u": uuid })).await["skill"].clone()
}

/// The uuid of the skill imported from `uri`.
async fn uuid_of(app: &TestApp, uri: &str) -> String {
    let rows = app
        .graph()
        .rows_unchecked(
            neo4rs::query("MATCH (s:Skill {uri: $uri}) RETURN s.uuid AS u").param("uri", uri),
        )
        .await
        .unwrap();
    rows[0].get("u").unwrap()
}

/// Runs a curation mutation `field(uuid, version, <args>)` on the skill's current version.
async fn curate(app: &TestApp, field: &str, uuid: &str, args: &str) -> Value {
    let version = skill(app, uuid).await["version"].as_i64().unwrap();
    let q = format!(
        "mutation($u: ID!, $v: Int!) {{ {field}(uuid: $u, version: $v, {args}) {{ uuid version }} }}"
    );
    app.gql(&q, json!({ "u": uuid, "v": version })).await
}

fn names(list: &Value) -> Vec<String> {
    let mut n: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect();
    n.sort();
    n
}

fn aligned(skill: &Value, kind: &str) -> Vec<(String, String, String)> {
    let mut out = vec![];
    for group in skill["alignments"]["skillAlignment"].as_array().unwrap() {
        for a in group[kind].as_array().unwrap() {
            out.push((
                group["source"].as_str().unwrap().to_string(),
                a["uuid"].as_str().unwrap().to_string(),
                a["alignmentType"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn curations_are_versioned_recorded_and_survive_a_reimport() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
        // Only the generation can make a cached answer fresh.
        c.cache.ttl_ms = 600_000;
        c.cache.refresh_ms = 600_000;
    })
    .await;
    let uris = vec![reg.uri("/resources/ce-fw-a"), reg.uri("/resources/ce-fw-b")];
    let first = import(&app, &uris).await;
    assert_eq!(first["progress"]["changesKept"], 0, "{first:#}");
    // The first import's changes: every skill it wrote, every edge it added, each once. ce-b1
    // was a stub (the target of fw-a's alignment) before fw-b completed it: one skill changed.
    let g = app.graph();
    let named = common::count(
        g,
        "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN count(s) AS n",
    )
    .await;
    let edges = common::count(
        g,
        "MATCH (:Skill)-[r:CHILD_OF|ALIGNED_WITH]->(:Skill) RETURN count(r) AS n",
    )
    .await;
    let counts = &first["changes"]["counts"];
    assert_eq!(
        (
            counts["skillsAdded"].as_i64(),
            counts["skillsChanged"].as_i64()
        ),
        (Some(named - 1), Some(1)),
        "{counts:#}"
    );
    assert_eq!(counts["edgesAdded"], edges, "{counts:#}");
    assert_eq!(
        (
            counts["edgesChanged"].as_i64(),
            counts["edgesRemoved"].as_i64(),
            counts["unrecorded"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    let nodes = first["changes"]["nodes"].as_array().unwrap();
    assert_eq!(first["changes"]["pageInfo"]["hasNextPage"], false);
    let job_name = first["name"].as_str().unwrap();
    assert!(nodes
        .iter()
        .all(|c| c["actor"] == "IMPORT" && c["by"] == job_name && c["job"] == job_name));
    let created = nodes
        .iter()
        .filter(|c| c["operation"] == "CREATE_SKILL" || c["operation"] == "IMPORT_SKILL")
        .count();
    let listed: usize = nodes
        .iter()
        .map(|c| c["edgesAdded"].as_array().unwrap().len())
        .sum();
    assert_eq!((created as i64, listed as i64), (named, edges));
    let a1 = uuid_of(&app, &reg.uri("/resources/ce-a1")).await;
    let a11 = uuid_of(&app, &reg.uri("/resources/ce-a1-1")).await;
    let b1 = uuid_of(&app, &reg.uri("/resources/ce-b1")).await;
    let stub = uuid_of(&app, &reg.uri("/resources/ce-not-imported")).await;

    // A cached read of a1, then a curator renames it: the next read shows the new name.
    let before = skill(&app, &a1).await;
    // Counted as a cache hit (statements sent would count the job runner's polls too).
    let hits = || async {
        let text = app.metrics().await;
        common::metric(
            &text,
            "skillgraph_read_cache_requests_total{result=\"hit\"}",
        )
        .unwrap_or(0.0)
    };
    let hits_before = hits().await;
    assert_eq!(skill(&app, &a1).await, before);
    assert_eq!(
        hits().await,
        hits_before + 1.0,
        "served again from the cache"
    );
    let v = before["version"].as_i64().unwrap();
    let renamed = app
        .data(
            UPDATE,
            json!({"u": a1, "v": v, "i": {"name": "OS components (curated)", "note": "checked"}}),
        )
        .await["updateSkill"]
        .clone();
    assert_eq!(renamed["version"], v + 1);
    assert_eq!(
        renamed["curatedFields"],
        json!(["name"]),
        "the note is no import field"
    );
    assert_eq!(skill(&app, &a1).await["name"], "OS components (curated)");

    // The version read before the rename is stale now: refused, nothing changed.
    let stale = app
        .gql(
            UPDATE,
            json!({"u": a1, "v": v, "i": {"name": "Lost update"}}),
        )
        .await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale:#}");
    assert_eq!(stale["errors"][0]["extensions"]["currentVersion"], v + 1);
    assert_eq!(skill(&app, &a1).await["name"], "OS components (curated)");

    // a1-1's edges, as the import set them: parent a1, exact to b1, major to a stub.
    let s = skill(&app, &a11).await;
    assert_eq!(names(&s["parentNodes"]), ["OS components (curated)"]);
    let ce = "credential_engine".to_string();
    assert_eq!(
        aligned(&s, "aligned"),
        [
            (ce.clone(), b1.clone(), "exact".into()),
            (ce.clone(), stub.clone(), "major".into())
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    // A source that infers alignments suggested two more of the registry's kind.
    app.graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill {uuid: $a}), (b:Skill {uuid: $b})
             MERGE (s)-[r1:ALIGNED_WITH {source: 'credential_engine', alignment_type: 'broad'}]->(b)
             SET r1.kind = 'suggested'
             WITH s, b MATCH (s)-[r2:ALIGNED_WITH {alignment_type: 'exact'}]->(b) SET r2.kind = 'suggested'",
        ).param("a", a11.as_str()).param("b", b1.as_str()))
        .await
        .unwrap();

    // Accepting an aligned (not suggested) alignment is refused.
    let args = |t: &str, ty: &str| {
        format!("targetUuid: \"{t}\", alignmentType: \"{ty}\", source: \"credential_engine\"")
    };
    let refused = curate(&app, "acceptSkillAlignment", &a11, &args(&stub, "major")).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused:#}");
    for (field, a) in [
        ("acceptSkillAlignment", args(&b1, "broad")),
        ("rejectSkillAlignment", args(&b1, "exact")),
        ("removeSkillAlignment", args(&stub, "major")),
        ("removeSkillParent", format!("parentUuid: \"{a1}\"")),
        ("addSkillParent", format!("parentUuid: \"{b1}\"")),
    ] {
        let done = curate(&app, field, &a11, &a).await;
        assert!(done.get("errors").is_none(), "{field}: {done:#}");
    }
    let curated = skill(&app, &a11).await;
    assert_eq!(
        aligned(&curated, "aligned"),
        [(ce.clone(), b1.clone(), "broad".into())]
    );
    assert!(aligned(&curated, "suggested").is_empty());
    assert_eq!(names(&curated["parentNodes"]), ["Information Systems"]);

    // The registry publishes a revision: the import updates a1's description (its own) but not
    // the curator's name; the rejected and removed alignments, the removed parent stay gone, the
    // added parent and the accepted alignment stay. Six things left alone: the name, the
    // re-asserted parent, the added parent it does not assert, the two alignments it asserts
    // again and the accepted one it does not assert.
    reg.set_revision(" (revised)");
    let second = import(&app, &uris).await;
    assert_eq!(second["progress"]["changesKept"], 6, "{second:#}");
    // It changed one skill's description, nothing else.
    assert_eq!(
        second["changes"]["nodes"],
        json!([{"skillUuid": a1, "actor": "IMPORT", "by": second["name"], "job": second["name"],
            "operation": "IMPORT_SKILL", "edgesAdded": [], "edgesRemoved": [],
            "fields": [{"field": "description",
                "before": "Explain the purpose of and relationship between common components of an operating system",
                "after": "Explain the purpose of and relationship between common components of an operating system (revised)"}]}])
    );
    assert_eq!(second["changes"]["counts"]["skillsChanged"], 1);
    let a1_after = skill(&app, &a1).await;
    assert_eq!(a1_after["name"], "OS components (curated)");
    assert!(
        a1_after["description"]
            .as_str()
            .unwrap()
            .ends_with("(revised)"),
        "{a1_after:#}"
    );
    assert_eq!(a1_after["note"], "checked");
    assert_eq!(skill(&app, &a11).await["alignments"], curated["alignments"]);
    assert_eq!(
        skill(&app, &a11).await["parentNodes"],
        curated["parentNodes"]
    );

    // History: newest first, three a page, equal to what happened: the import's three writes,
    // then the curator's five.
    let all = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { history(first: 20) { nodes { operation } } } }",
            json!({"u": a11}),
        )
        .await;
    let ops: Vec<&str> = all["skill"]["history"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "ADD_PARENT",
            "REMOVE_PARENT",
            "REMOVE_ALIGNMENT",
            "REJECT_ALIGNMENT",
            "ACCEPT_ALIGNMENT",
            "IMPORT_ALIGNMENTS",
            "IMPORT_PARENTS",
            "CREATE_SKILL"
        ]
    );
    let page = app.data(HISTORY, json!({"u": a11})).await["skill"]["history"].clone();
    let ops: Vec<&str> = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["ADD_PARENT", "REMOVE_PARENT", "REMOVE_ALIGNMENT"]);
    let added = &page["nodes"][0];
    assert_eq!(
        (added["actor"].as_str(), added["by"].as_str()),
        (Some("CURATOR"), Some("anonymous"))
    );
    assert_eq!(
        added["edgesAdded"],
        json!([{"kind": "PARENT", "target": b1, "source": null, "alignmentType": null, "alignmentKind": null}])
    );
    assert_eq!(page["nodes"][1]["edgesRemoved"][0]["target"], a1);
    let removed = &page["nodes"][2]["edgesRemoved"][0];
    assert_eq!(
        (
            removed["target"].as_str(),
            removed["alignmentKind"].as_str()
        ),
        (Some(stub.as_str()), Some("aligned"))
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let cursor = page["pageInfo"]["endCursor"].clone();
    let rest =
        app.data(HISTORY, json!({"u": a11, "after": cursor})).await["skill"]["history"].clone();
    let ops: Vec<&str> = rest["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["REJECT_ALIGNMENT", "ACCEPT_ALIGNMENT", "IMPORT_ALIGNMENTS"]
    );
    assert_eq!(rest["pageInfo"]["hasNextPage"], true);
    let versions: Vec<i64> = [&page, &rest]
        .iter()
        .flat_map(|p| {
            p["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["version"].as_i64().unwrap())
        })
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] == w[1] + 1),
        "{versions:?}"
    );

    let a1_history = app.data(HISTORY, json!({"u": a1})).await["skill"]["history"]["nodes"].clone();
    let ops: Vec<&str> = a1_history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["IMPORT_SKILL", "UPDATE_SKILL", "CREATE_SKILL"],
        "{a1_history:#}"
    );
    assert_eq!(
        a1_history[1]["fields"],
        json!([
            {"field": "name", "before": "Operating System Components", "after": "OS components (curated)"},
            {"field": "note", "before": null, "after": "checked"}
        ])
    );
}

#[tokio::test]
async fn a_created_skill_is_the_curators_and_bad_input_changes_nothing() {
    let app = TestApp::start().await;
    let create = "mutation($i: SkillFieldsInput!) { createSkill(input: $i) { uuid sourceUri name keywords version curatedFields } }";
    let made = app
        .data(
            create,
            json!({"i": {"name": " Prompt design ", "keywords": ["llm"], "listId": "2.10"}}),
        )
        .await["createSkill"]
        .clone();
    let uuid = made["uuid"].as_str().unwrap().to_string();
    assert_eq!(made["name"], "Prompt design");
    assert_eq!(made["version"], 1);
    assert!(made["sourceUri"]
        .as_str()
        .unwrap()
        .starts_with("urn:skillgraph:skill:"));
    assert_eq!(
        made["curatedFields"],
        json!(["name", "keywords", "list_id", "list_order"])
    );

    for (input, needle) in [
        (json!({"name": ""}), "blank"),
        (json!({"name": "a\u{202E}b"}), "U+202E is not allowed"),
        (
            json!({"description": "x".repeat(10_001)}),
            "over the limit of 10000 bytes",
        ),
        (json!({"weight": null, "name": null}), "blank"),
    ] {
        let body = app
            .gql(UPDATE, json!({"u": uuid, "v": 1, "i": input}))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{body:#}"
        );
    }
    let body = app
        .gql(create, json!({"i": {"description": "no name"}}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let missing = "00000000-0000-0000-0000-000000000000";
    let body = app
        .gql(UPDATE, json!({"u": missing, "v": 0, "i": {"name": "x"}}))
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND", "{body:#}");
    let body = curate(
        &app,
        "addSkillAlignment",
        &uuid,
        &format!("targetUuid: \"{uuid}\", alignmentType: \"exact\""),
    )
    .await;
    assert_eq!(
        error_code(&body),
        "BAD_USER_INPUT",
        "a skill cannot align to itself: {body:#}"
    );
    let body = curate(
        &app,
        "addSkillAlignment",
        &uuid,
        &format!("targetUuid: \"{missing}\", alignmentType: \"sideways\""),
    )
    .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");

    let after = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { name version history { nodes { operation } } } }",
            json!({"u": uuid}),
        )
        .await;
    assert_eq!(after["skill"]["name"], "Prompt design");
    assert_eq!(after["skill"]["version"], 1, "nothing refused was written");
    assert_eq!(
        after["skill"]["history"]["nodes"],
        json!([{"operation": "CREATE_SKILL"}])
    );
}

const READER: &str = "reader-key-0123456789";
const EDITOR: &str = "editor-key-0123456789";
const ADMIN: &str = "admin-key-0123456789";

async fn as_caller(app: &TestApp, key: &str, query: &str, variables: Value) -> Value {
    let resp = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(key)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap();
    resp.json().await.unwrap()
}

#[tokio::test]
async fn editors_curate_and_only_admins_delete() {
    let app = TestApp::start_with(|c| {
        c.auth.api_keys = [
            format!("rita:reader:{READER}"),
            format!("ed:editor:{EDITOR}"),
            format!("ada:admin:{ADMIN}"),
        ]
        .into_iter()
        .map(Into::into)
        .collect();
    })
    .await;
    let create = "mutation($n: String!) { createSkill(input: {name: $n}) { uuid version } }";
    let made = |body: Value| {
        body["data"]["createSkill"]["uuid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let refused = as_caller(&app, READER, create, json!({"n": "by a reader"})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused:#}");
    let a = made(as_caller(&app, EDITOR, create, json!({"n": "A"})).await);
    let b = made(as_caller(&app, ADMIN, create, json!({"n": "B"})).await);

    let edits = [
        ("updateSkill", "input: {description: \"d\"}".to_string()),
        ("addSkillParent", format!("parentUuid: \"{b}\"")),
        ("removeSkillParent", format!("parentUuid: \"{b}\"")),
        (
            "addSkillAlignment",
            format!("targetUuid: \"{b}\", alignmentType: \"exact\", score: 0.5"),
        ),
        (
            "removeSkillAlignment",
            format!("targetUuid: \"{b}\", alignmentType: \"exact\", source: \"curation\""),
        ),
    ];
    for (field, args) in &edits {
        let q = format!("mutation($u: ID!, $v: Int!) {{ {field}(uuid: $u, version: $v, {args}) {{ version }} }}");
        let v = version_as(&app, READER, &a).await;
        let body = as_caller(&app, READER, &q, json!({"u": a, "v": v})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{field}: {body:#}");
        let body = as_caller(&app, EDITOR, &q, json!({"u": a, "v": v})).await;
        assert_eq!(body["data"][field]["version"], v + 1, "{field}: {body:#}");
    }
    let by: Vec<String> = as_caller(
        &app,
        READER,
        "query($u: ID!) { skill(uuid: $u) { history(first: 10) { nodes { by } } } }",
        json!({"u": a}),
    )
    .await["data"]["skill"]["history"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["by"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        by, ["ed"; 6],
        "five edits and the creation, each by its caller"
    );

    // Accepting and rejecting: readers are refused; editors reach the edit (here refused as
    // there is no suggestion); so is reverting a job.
    let v = version_as(&app, READER, &a).await;
    for field in ["acceptSkillAlignment", "rejectSkillAlignment"] {
        let q = format!(
            "mutation($u: ID!, $v: Int!) {{ {field}(uuid: $u, version: $v, targetUuid: \"{b}\", alignmentType: \"exact\", source: \"curation\") {{ version }} }}"
        );
        let body = as_caller(&app, READER, &q, json!({"u": a, "v": v})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{field}: {body:#}");
        let body = as_caller(&app, EDITOR, &q, json!({"u": a, "v": v})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{field}: {body:#}");
    }
    let revert = "mutation { revertJob(jobName: \"no-such-job\") { name } }";
    let body = as_caller(&app, READER, revert, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body:#}");
    let body = as_caller(&app, EDITOR, revert, json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");

    let delete = "mutation($u: ID!, $v: Int!) { deleteSkill(uuid: $u, version: $v) }";
    let v = version_as(&app, READER, &a).await;
    for key in [READER, EDITOR] {
        let body = as_caller(&app, key, delete, json!({"u": a, "v": v})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{body:#}");
    }
    let body = as_caller(&app, ADMIN, delete, json!({"u": a, "v": v - 1})).await;
    assert_eq!(error_code(&body), "CONFLICT", "a stale delete: {body:#}");
    let body = as_caller(&app, ADMIN, delete, json!({"u": a, "v": v})).await;
    assert_eq!(body["data"]["deleteSkill"], a.as_str(), "{body:#}");
    let gone = as_caller(
        &app,
        READER,
        "query($u: ID!) { skill(uuid: $u) { name } }",
        json!({"u": a}),
    )
    .await;
    assert_eq!(gone["data"]["skill"], Value::Null);
    assert_eq!(
        common::count(
            app.graph(),
            &format!("MATCH (c:Change {{skill_uuid: '{a}'}}) RETURN count(c) AS n")
        )
        .await,
        7,
        "its history stays, the deletion last"
    );
}

async fn version_as(app: &TestApp, key: &str, uuid: &str) -> i64 {
    let q = "query($u: ID!) { skill(uuid: $u) { version } }";
    as_caller(app, key, q, json!({"u": uuid})).await["data"]["skill"]["version"]
        .as_i64()
        .unwrap()
}

/// The next `graphChanges` message of `conn`, as data.
async fn next_change(conn: &mut ws::Connection) -> Value {
    let m = conn.next_message(Duration::from_secs(10)).await;
    assert_eq!(m["type"], "next", "{m:#}");
    m["payload"]["data"]["graphChanges"].clone()
}

#[tokio::test]
async fn graph_changes_reach_subscribers_on_another_process_filtered() {
    use skillgraph::graph::writes::{self, FrameworkRow};
    let a = TestApp::start().await;
    let fw = FrameworkRow {
        uri: "urn:fw:changes".into(),
        props: skillgraph::model::FrameworkProps {
            name: Some("Changes".into()),
            ..Default::default()
        },
    };
    writes::upsert_frameworks(a.graph(), &[fw]).await.unwrap();
    let f = a.data("{ frameworks { nodes { uuid } } }", json!({})).await["frameworks"]["nodes"][0]
        ["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let create = "mutation($n: String!, $f: ID) { createSkill(input: {name: $n}, frameworkUuid: $f) { uuid } }";
    let x = a.data(create, json!({"n": "X"})).await["createSkill"]["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let y = a.data(create, json!({"n": "Y", "f": f})).await["createSkill"]["uuid"]
        .as_str()
        .unwrap()
        .to_string();

    // B, another process on the same database: one subscriber of skill X, one of framework F.
    let b = Service::start(&a.database, &[]).await;
    let fields = "skillUuid framework operation actor fields { field after }";
    let mut of_x = ws::Connection::open(b.socket_addr(), json!({})).await;
    of_x.subscribe(
        "x",
        &format!("subscription {{ graphChanges(skill: \"{x}\") {{ {fields} }} }}"),
    )
    .await;
    let mut of_f = ws::Connection::open(b.socket_addr(), json!({})).await;
    of_f.subscribe(
        "f",
        &format!("subscription {{ graphChanges(framework: \"{f}\") {{ {fields} }} }}"),
    )
    .await;

    // A subscription is live once it has seen a change: notes are written on A until each has.
    let note = |n: usize| json!({"note": format!("ping {n}")});
    for (conn, skill) in [(&mut of_x, &x), (&mut of_f, &y)] {
        let deadline = Instant::now() + Duration::from_secs(20);
        for n in 0.. {
            assert!(Instant::now() < deadline, "no change reached B");
            let v = skill_version(&a, skill).await;
            a.data(UPDATE, json!({"u": skill, "v": v, "i": note(n)}))
                .await;
            let got = tokio::time::timeout(
                Duration::from_millis(1_500),
                conn.next_message(Duration::from_secs(2)),
            )
            .await;
            if let Ok(m) = got {
                assert_eq!(
                    m["payload"]["data"]["graphChanges"]["skillUuid"],
                    skill.as_str(),
                    "{m:#}"
                );
                break;
            }
        }
    }
    // Drain the pings still in flight, then the real changes: each subscriber gets its own only.
    let vy = skill_version(&a, &y).await;
    a.data(UPDATE, json!({"u": y, "v": vy, "i": {"name": "Y renamed"}}))
        .await;
    let vx = skill_version(&a, &x).await;
    a.data(UPDATE, json!({"u": x, "v": vx, "i": {"name": "X renamed"}}))
        .await;
    for (conn, skill, name) in [(&mut of_x, &x, "X renamed"), (&mut of_f, &y, "Y renamed")] {
        let change = loop {
            let c = next_change(conn).await;
            if c["fields"][0]["field"] != "note" {
                break c;
            }
        };
        assert_eq!(change["skillUuid"], skill.as_str(), "{change:#}");
        assert_eq!(change["operation"], "UPDATE_SKILL");
        assert_eq!(change["actor"], "CURATOR");
        assert_eq!(change["fields"], json!([{"field": "name", "after": name}]));
    }
    // X is in no framework: a change of Y written after X's reaches F's subscriber next
    // (changes come oldest first, so X's would come before it if the filter let it through).
    let vy = skill_version(&a, &y).await;
    a.data(UPDATE, json!({"u": y, "v": vy, "i": {"name": "Y again"}}))
        .await;
    let next = next_change(&mut of_f).await;
    assert_eq!(
        (next["skillUuid"].as_str(), &next["fields"]),
        (
            Some(y.as_str()),
            &json!([{"field": "name", "after": "Y again"}])
        ),
        "{next:#}"
    );
}

async fn skill_version(app: &TestApp, uuid: &str) -> i64 {
    skill(app, uuid).await["version"].as_i64().unwrap()
}

/// Named skills, parent and alignment edges, and a1's name and description.
async fn snapshot(app: &TestApp, a1_uri: &str) -> (i64, i64, Value) {
    let g = app.graph();
    let named = common::count(
        g,
        "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN count(s) AS n",
    )
    .await;
    let edges = common::count(
        g,
        "MATCH (:Skill)-[r:CHILD_OF|ALIGNED_WITH]->(:Skill) RETURN count(r) AS n",
    )
    .await;
    let rows = g
        .rows_unchecked(
            neo4rs::query("MATCH (s:Skill {uri: $u}) RETURN s.name AS name, s.description AS d")
                .param("u", a1_uri),
        )
        .await
        .unwrap();
    let a1 = json!([
        rows[0].get::<String>("name").unwrap(),
        rows[0].get::<String>("d").unwrap()
    ]);
    (named, edges, a1)
}

async fn revert(app: &TestApp, job: &str) -> Value {
    let d = app
        .data(
            "mutation($n: String!) { revertJob(jobName: $n) { name type } }",
            json!({"n": job}),
        )
        .await;
    assert_eq!(d["revertJob"]["type"], "REVERT_IMPORT");
    let name = d["revertJob"]["name"].as_str().unwrap();
    app.job_when_finished(
        name,
        "status message errors { target message } progress { skillsChanged skillsRemoved edgesAdded edgesRemoved }",
    )
    .await
}

#[tokio::test]
async fn a_revert_restores_what_an_import_changed_or_changes_nothing_and_lists_conflicts() {
    let (_, reg) = ce_server::start(0).await;
    let app = TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
    })
    .await;
    let (fw_a, fw_b) = (reg.uri("/resources/ce-fw-a"), reg.uri("/resources/ce-fw-b"));
    let a1_uri = reg.uri("/resources/ce-a1");
    import(&app, std::slice::from_ref(&fw_a)).await;
    let before = snapshot(&app, &a1_uri).await;

    // A revised fw-a and a new fw-b: a1 renamed, skills created, a stub completed, edges added.
    reg.set_revision(" (revised)");
    let second = import(&app, &[fw_a.clone(), fw_b.clone()]).await;
    let changed = snapshot(&app, &a1_uri).await;
    assert!(
        changed.0 > before.0 && changed.1 > before.1 && changed.2 != before.2,
        "{changed:?}"
    );

    let reverted = revert(&app, second["name"].as_str().unwrap()).await;
    assert_eq!(reverted["status"], "SUCCEEDED", "{reverted:#}");
    assert_eq!(
        snapshot(&app, &a1_uri).await,
        before,
        "the graph as the first import left it"
    );
    let (p, c) = (&reverted["progress"], &second["changes"]["counts"]);
    assert_eq!(p["skillsRemoved"], c["skillsAdded"], "{p:#} {c:#}");
    assert_eq!(p["edgesRemoved"], c["edgesAdded"], "{p:#} {c:#}");

    // Imported again, then a curator edits a description the import wrote: the revert of that
    // import changes nothing and names the conflict.
    let third = import(&app, &[fw_a, fw_b]).await;
    let a1 = uuid_of(&app, &a1_uri).await;
    let v = skill_version(&app, &a1).await;
    app.data(
        UPDATE,
        json!({"u": a1, "v": v, "i": {"description": "A curator's words"}}),
    )
    .await;
    let imported = snapshot(&app, &a1_uri).await;
    let refused = revert(&app, third["name"].as_str().unwrap()).await;
    assert_eq!(refused["status"], "FAILED", "{refused:#}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("nothing was reverted"),
        "{refused:#}"
    );
    assert_eq!(
        refused["errors"].as_array().unwrap().len(),
        1,
        "{refused:#}"
    );
    assert_eq!(refused["errors"][0]["target"], a1.as_str());
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("description was changed later by anonymous (update_skill"),
        "{refused:#}"
    );
    assert_eq!(snapshot(&app, &a1_uri).await, imported, "nothing changed");

    // An unknown job: refused at once.
    let body = app
        .gql(
            "mutation { revertJob(jobName: \"no-such-job\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
}
