//! Credential Engine ingestion end to end: GraphQL mutation, job runner, recorded CTDL-ASN
//! documents over real HTTP, the real test database, and the job subscription over WebSocket.

use std::time::Duration;

use common::{ce_server, error_code, ws, TestApp};
use serde_json::{json, Value};

const JOB_FIELDS: &str = "name type status message finished input
    progress { frameworksTotal frameworksDone competenciesTotal competenciesDone }
    errors { target message }";

async fn app_for_registry(tweak: impl FnOnce(&mut skillgraph::config::Config)) -> TestApp {
    TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts = ce_server::allowed();
        c.ingest.http_backoff_ms = 10;
        c.ingest.http_timeout_secs = 5;
        tweak(c);
    })
    .await
}

async fn start_import(app: &TestApp, uris: &[String]) -> Value {
    let d = app
        .data(
            &format!("mutation($u:[String!]!){{ importCredentialEngine(competencyFrameworks:$u){{ {JOB_FIELDS} }} }}"),
            json!({"u": uris}),
        )
        .await;
    d["importCredentialEngine"].clone()
}

async fn job(app: &TestApp, name: &str) -> Value {
    app.data(
        &format!("query($n:String!){{ job(jobName:$n){{ {JOB_FIELDS} }} }}"),
        json!({"n": name}),
    )
    .await["job"]
        .clone()
}

async fn wait_for_end(app: &TestApp, name: &str) -> Value {
    app.job_when_finished(name, JOB_FIELDS).await
}

async fn skill_by_uri(app: &TestApp, text: &str, uri: &str) -> Value {
    let d = app
        .data(
            "query($t:String){ skills(limit:10, filter:{text:$t}){ uuid name description keywords author creator referenceId sourceUri sourceName ctid language type{ id name } modifiedTime
                framework{ name } parentNodes{ name sourceUri parentNodes{ name } } childNodes{ name }
                alignments{ skillAlignment{ source aligned{ id uuid name alignmentType sourceUri } suggested{ name } } roleAlignment{ onet{ code name framework } } }
                occupations{ occupationsMajorGroup{ code } occupationsMinorGroup{ code } broadOccupation{ code } detailedOccupation{ code name } } } }",
            json!({"t": text}),
        )
        .await;
    d["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["sourceUri"] == uri)
        .unwrap_or_else(|| panic!("no skill {uri} in {d:#}"))
        .clone()
}

#[tokio::test]
async fn imports_frameworks_with_hierarchy_alignments_and_errors_watched_live() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let uris = vec![
        reg.uri("/resources/ce-fw-a"),
        reg.uri("/resources/ce-fw-b"),
        reg.uri("/resources/ce-missing"),
        reg.uri("/resources/ce-fw-flaky"),
    ];
    let started = start_import(&app, &uris).await;
    let name = started["name"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&name).is_ok(), "job name is a UUID");
    assert_eq!(started["type"], "CREDENTIAL_ENGINE_INGESTION");
    assert_eq!(started["input"]["competency_frameworks"], json!(uris));
    // The job is persisted as submitted: another request reads the same input back.
    assert_eq!(job(&app, &name).await["input"], started["input"]);

    // The subscription over a real WebSocket sees the job through to its end.
    let updates = ws::subscribe_all(
        app.addr,
        &format!("subscription($n:String!){{ jobUpdates(jobName:$n){{ {JOB_FIELDS} }} }}"),
        json!({"n": name}),
        Duration::from_secs(120),
    )
    .await;
    assert_watched_to_success(&updates);
    let end = job(&app, &name).await;
    assert_counts_and_errors(&end, &reg);
    assert_hierarchy_and_terms(&app, &reg).await;
    assert_cross_framework_alignments(&app, &reg).await;
    // The skipped competency is not in the graph; stubs are not listed.
    let all = app
        .data(
            "{ skillConnection(filter:{source:\"credential_engine\"}){ totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(all["skillConnection"]["totalCount"], 6);
}

/// The subscription's updates end with success, after at least one other, with progress that
/// never goes backwards.
fn assert_watched_to_success(updates: &[Value]) {
    let statuses: Vec<&str> = updates
        .iter()
        .map(|u| {
            u["data"]["jobUpdates"]["status"]
                .as_str()
                .unwrap_or_else(|| panic!("{u:#}"))
        })
        .collect();
    assert_eq!(
        *statuses.last().unwrap(),
        "SUCCEEDED",
        "statuses: {statuses:?}"
    );
    assert!(updates.len() >= 2, "saw only {statuses:?}");
    // Progress never goes backwards.
    let done: Vec<i64> = updates
        .iter()
        .map(|u| {
            u["data"]["jobUpdates"]["progress"]["competenciesDone"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");
}

/// Four frameworks asked for: one missing (reported, not done), one served after a 500, one
/// as an @graph document; the competency without text skipped and reported.
fn assert_counts_and_errors(end: &Value, reg: &ce_server::Registry) {
    assert_eq!(end["status"], "SUCCEEDED");
    assert_eq!(end["progress"]["frameworksTotal"], 4);
    // The missing one is in the errors, not among the frameworks done.
    assert_eq!(end["progress"]["frameworksDone"], 3);
    // A: 4 competencies fetched one by one (one without text); B: 2; flaky: 1.
    assert_eq!(end["progress"]["competenciesTotal"], 7);
    assert_eq!(end["progress"]["competenciesDone"], 7);
    let errors = end["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors
        .iter()
        .any(|e| e["target"] == reg.uri("/resources/ce-missing")
            && e["message"].as_str().unwrap().contains("404")));
    assert!(errors
        .iter()
        .any(|e| e["target"] == reg.uri("/resources/ce-a-notext")
            && e["message"].as_str().unwrap().contains("competencyText")));
    // The 500 was retried, and B came as one @graph document.
    assert_eq!(reg.hits("/resources/ce-fw-flaky"), 2);
    assert_eq!(reg.hits("/graph/ce-fw-b"), 1);
    assert_eq!(reg.hits("/resources/ce-b1"), 0);
}

/// Three levels of hierarchy read back through parentNodes, and the terms of a top skill.
async fn assert_hierarchy_and_terms(app: &TestApp, reg: &ce_server::Registry) {
    // Three levels: a1 > a1-1 > a1-1-1, read back through parentNodes.
    let leaf = skill_by_uri(app, "round-robin", &reg.uri("/resources/ce-a1-1-1")).await;
    assert_eq!(leaf["name"], "Compare round-robin and priority schedulers");
    assert_eq!(
        leaf["parentNodes"][0]["name"],
        "Describe process scheduling"
    );
    assert_eq!(
        leaf["parentNodes"][0]["parentNodes"][0]["name"],
        "Operating System Components"
    );
    assert_eq!(
        leaf["framework"]["name"],
        "Information Technology Fundamentals"
    );

    let top = skill_by_uri(app, "operating system", &reg.uri("/resources/ce-a1")).await;
    assert_eq!(
        top["description"],
        "Explain the purpose of and relationship between common components of an operating system"
    );
    assert_eq!(top["keywords"], json!(["operating systems", "kernel"]));
    assert_eq!(top["referenceId"], "IDS-20252-02");
    assert_eq!(top["author"], "Jane Doe");
    assert_eq!(
        top["creator"],
        "https://credentialengineregistry.org/resources/ce-org-1"
    );
    assert_eq!(top["sourceName"], "credential_engine");
    assert_eq!(top["ctid"], "ce-a1");
    assert_eq!(
        top["type"],
        json!({"id": "ceasn:Competency", "name": "Skill"})
    );
    assert_eq!(top["parentNodes"], json!([]));
    assert_eq!(top["childNodes"][0]["name"], "Describe process scheduling");
    assert_eq!(
        top["alignments"]["roleAlignment"]["onet"][0]["code"],
        "15-1212.00"
    );
    assert_eq!(
        top["occupations"]["occupationsMajorGroup"][0]["code"],
        "15-0000"
    );
    assert_eq!(
        top["occupations"]["detailedOccupation"][0],
        json!({"code": "15-1212", "name": "Information Security Analysts"})
    );
}

/// An alignment across frameworks lands on the skill imported from the other one, and one to a
/// competency not imported yet is kept without a name.
async fn assert_cross_framework_alignments(app: &TestApp, reg: &ce_server::Registry) {
    // Cross-framework alignment lands on the skill imported from B.
    let mid = skill_by_uri(app, "process scheduling", &reg.uri("/resources/ce-a1-1")).await;
    let ce = &mid["alignments"]["skillAlignment"][0];
    assert_eq!(ce["source"], "credential_engine");
    let exact = ce["aligned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alignmentType"] == "exact")
        .unwrap();
    assert_eq!(exact["name"], "Information Systems");
    let b1 = skill_by_uri(app, "information systems", &reg.uri("/resources/ce-b1")).await;
    assert_eq!(exact["uuid"], b1["uuid"]);
    assert_eq!(
        b1["childNodes"][0]["name"],
        "Secure configuration of systems"
    );
    // An alignment to a competency not imported yet is kept (its name is unknown).
    let major = ce["aligned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alignmentType"] == "major")
        .unwrap();
    assert_eq!(major["sourceUri"], reg.uri("/resources/ce-not-imported"));
    assert_eq!(major["name"], Value::Null);
}

#[tokio::test]
async fn reimport_updates_in_place_without_duplicates() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let uris = vec![reg.uri("/resources/ce-fw-a"), reg.uri("/resources/ce-fw-b")];
    let first = start_import(&app, &uris).await;
    let first = wait_for_end(&app, first["name"].as_str().unwrap()).await;
    assert_eq!(first["status"], "SUCCEEDED");

    let count_q = "{ skillConnection(filter:{source:\"credential_engine\"}){ totalCount } frameworks{ nodes { name description } } }";
    let before = app.data(count_q, json!({})).await;
    let a1_before = skill_by_uri(&app, "operating system", &reg.uri("/resources/ce-a1")).await;
    let statements_before = app
        .graph()
        .rows_unchecked(neo4rs::query("MATCH ()-[r]->() RETURN count(r) AS n"))
        .await
        .unwrap();
    let edges_before: i64 = statements_before[0].get("n").unwrap();

    reg.set_revision(" (revised)");
    let second = start_import(&app, &uris).await;
    let second = wait_for_end(&app, second["name"].as_str().unwrap()).await;
    assert_eq!(second["status"], "SUCCEEDED");
    assert_eq!(second["progress"], first["progress"]);

    let after = app.data(count_q, json!({})).await;
    assert_eq!(
        after["skillConnection"], before["skillConnection"],
        "no duplicates"
    );
    assert_eq!(after["frameworks"]["nodes"].as_array().unwrap().len(), 2);
    let fw_a = after["frameworks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Information Technology Fundamentals")
        .unwrap();
    assert_eq!(fw_a["description"], "Core IT competencies (revised)");

    let a1_after = skill_by_uri(&app, "operating system", &reg.uri("/resources/ce-a1")).await;
    assert_eq!(a1_after["name"], "Operating System Components (revised)");
    assert_eq!(a1_after["uuid"], a1_before["uuid"], "identity kept");
    assert!(a1_after["modifiedTime"].as_str() > a1_before["modifiedTime"].as_str());
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query("MATCH ()-[r]->() RETURN count(r) AS n"))
        .await
        .unwrap();
    let edges_after: i64 = rows[0].get("n").unwrap();
    assert_eq!(edges_after, edges_before, "no duplicate relationships");
}

#[tokio::test]
async fn invalid_input_is_rejected_without_creating_a_job() {
    let (addr, reg) = ce_server::start(0).await;
    // A bare host name allows HTTPS on 443 only, whatever serves on its other ports.
    let app = app_for_registry(|c| c.ingest.ce_allowed_hosts.push("localhost".into())).await;
    let m = common::IMPORT;
    let port = addr.port();
    for (uris, needle) in [
        (json!([]), "at least one"),
        (json!(["not a uri"]), "not a valid URI"),
        (json!(["https://example.com/resources/ce-1"]), "not allowed"),
        (
            json!([format!("http://localhost:{port}/resources/ce-fw-a")]),
            "not allowed (allowed: ",
        ),
        (
            json!([format!("http://127.0.0.1:{}/resources/ce-fw-a", port ^ 1)]),
            "not allowed",
        ),
        (json!(["file:///etc/passwd"]), "http(s)"),
        // A hundred of these made a 3 MB job node whose progress writes timed out.
        (
            json!(vec![
                reg.uri(&format!("/resources/{}", "x".repeat(19_000)));
                100
            ]),
            "at most 2048",
        ),
    ] {
        let body = app.gql(m, json!({"u": uris})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{body:#}"
        );
    }
    let jobs = app.data("{ jobs { nodes { name } } }", json!({})).await;
    assert_eq!(jobs["jobs"]["nodes"], json!([]));
    assert_eq!(reg.hits.lock().unwrap().len(), 0, "nothing was fetched");

    let unknown = app
        .data("{ job(jobName: \"nope\") { name } }", json!({}))
        .await;
    assert_eq!(unknown["job"], Value::Null);
    let cancel = app
        .gql(
            "mutation { cancelJob(jobName: \"nope\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&cancel), "NOT_FOUND");
    let sub = ws::subscribe_all(
        app.addr,
        "subscription { jobUpdates(jobName: \"nope\") { name } }",
        json!({}),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(sub.len(), 1);
    assert_eq!(
        sub[0]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{sub:#?}"
    );
}

#[tokio::test]
async fn redirects_off_the_allowlist_are_refused() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let started = start_import(&app, &[reg.uri("/resources/ce-redirect")]).await;
    let end = wait_for_end(&app, started["name"].as_str().unwrap()).await;
    assert_eq!(end["status"], "FAILED");
    assert!(end["message"]
        .as_str()
        .unwrap()
        .contains("no framework could be imported"));
    let why = end["errors"][0]["message"].as_str().unwrap();
    assert!(why.contains("not allowed"), "{why}");
    assert_eq!(
        reg.hits("/resources/ce-redirect"),
        1,
        "a refused redirect is not retried"
    );
    assert_eq!(reg.hits("/resources/ce-fw-b"), 0);
}

#[tokio::test]
async fn large_framework_and_cancellation() {
    let (_, reg) = ce_server::start(5000).await;
    let app = app_for_registry(|c| {
        c.jobs.concurrency = 1;
        c.ingest.write_batch_size = 250;
    })
    .await;
    let big = start_import(&app, &[reg.uri("/resources/ce-fw-big")]).await;
    let big_name = big["name"].as_str().unwrap();
    // With one runner slot, a second job waits queued and can be cancelled at once: the
    // first is running, and the second is seen queued just before the cancel.
    let queued = start_import(&app, &[reg.uri("/resources/ce-fw-b")]).await;
    let queued_name = queued["name"].as_str().unwrap();
    app.job_when(big_name, "status", "started", |j| j["status"] == "ACTIVE")
        .await;
    assert_eq!(job(&app, queued_name).await["status"], "QUEUED");
    let cancelled = app
        .data(
            "mutation($n:String!){ cancelJob(jobName:$n){ status message } }",
            json!({"n": queued["name"]}),
        )
        .await;
    assert_eq!(cancelled["cancelJob"]["status"], "CANCELLED");

    let end = wait_for_end(&app, big["name"].as_str().unwrap()).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["progress"]["competenciesTotal"], 5000);
    assert_eq!(end["progress"]["competenciesDone"], 5000);
    let fw = app
        .data(
            "query($f:String){ skillConnection(filter:{framework:$f}){ totalCount } }",
            json!({"f": reg.uri("/resources/ce-fw-big")}),
        )
        .await;
    assert_eq!(fw["skillConnection"]["totalCount"], 5000);
    let deep = skill_by_uri(&app, "competency 04999", &reg.uri("/resources/ce-big-4999")).await;
    assert_eq!(deep["parentNodes"][0]["name"], "Big competency 02499");

    // The cancelled job never ran (its framework was never fetched); a finished job cannot be
    // cancelled.
    let q = job(&app, queued_name).await;
    assert_eq!(q["status"], "CANCELLED");
    assert_eq!(q["progress"]["frameworksDone"], 0);
    assert_eq!(
        reg.hits("/resources/ce-fw-b") + reg.hits("/graph/ce-fw-b"),
        0
    );
    let again = app
        .gql(
            "mutation($n:String!){ cancelJob(jobName:$n){ status } }",
            json!({"n": big["name"]}),
        )
        .await;
    assert_eq!(error_code(&again), "JOB_ALREADY_ENDED");

    // Cancelling an active job stops it at the next batch.
    let redo = start_import(&app, &[reg.uri("/resources/ce-fw-big")]).await;
    let name = redo["name"].as_str().unwrap().to_string();
    let running = app
        .job_when(
            &name,
            "status progress { competenciesDone }",
            "made progress",
            |j| j["status"] == "ACTIVE" && j["progress"]["competenciesDone"].as_i64() > Some(0),
        )
        .await;
    assert_eq!(running["status"], "ACTIVE");
    app.data(
        "mutation($n:String!){ cancelJob(jobName:$n){ name } }",
        json!({"n": name}),
    )
    .await;
    let end = wait_for_end(&app, &name).await;
    assert_eq!(end["status"], "CANCELLED");
    assert!(end["progress"]["competenciesDone"].as_i64().unwrap() < 5000);

    let listed = app
        .data(
            "{ jobs(status: CANCELLED, type: CREDENTIAL_ENGINE_INGESTION) { nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["jobs"]["nodes"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_job_whose_process_died_is_resumed_from_its_checkpoint() {
    use skillgraph::graph::jobs::{now_ms, JobRecord, JobState};
    use skillgraph::model::Progress;
    let (_, reg) = ce_server::start(0).await;
    // Only the database: no runner may see the orphan before it is in place.
    let database = common::fresh_database().await;
    // What a process that died after importing framework A leaves behind: an active job whose
    // lease has run out, with A in its checkpoint.
    let graph = skillgraph::graph::Graph::connect(&common::test_config(&database).db)
        .await
        .unwrap();
    let t = skillgraph::graph::now();
    let a = reg.uri("/resources/ce-fw-a");
    let b = reg.uri("/resources/ce-fw-b");
    let orphan = JobRecord {
        name: uuid::Uuid::new_v4().to_string(),
        job_type: "credential_engine_ingestion".into(),
        input_json: json!({"competency_frameworks": [a, b]}).to_string(),
        resources: vec![format!("framework:{a}"), format!("framework:{b}")],
        created_by: "anonymous".into(),
        created_time: t.clone(),
        started_time: Some(t.clone()),
        attempts: 1,
        state: JobState {
            status: "active".into(),
            last_modified_time: t,
            errors_json: "[]".into(),
            progress: Progress {
                frameworks_total: 2,
                frameworks_done: 1,
                competencies_total: 4,
                competencies_done: 3,
                ..Default::default()
            },
            checkpoint_json: json!({"done": [a], "progress": {"frameworks_total": 2, "frameworks_done": 1,
                "competencies_total": 4, "competencies_done": 4, "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0},
                "errors": 0, "errors_dropped": 0}).to_string(),
            owner: Some("dead-host:1:deadbeef".into()),
            lease_until: now_ms() - 1,
            ..Default::default()
        },
        ..Default::default()
    };
    skillgraph::graph::jobs::create(&graph, &orphan)
        .await
        .unwrap();

    // A service process starts on the same database and takes the job over.
    let app = app_for_registry(|c| {
        c.db.uri = common::bolt_uri(&database);
        c.db.database = database.clone();
    })
    .await;
    let end = app
        .job_when_finished(&orphan.name, &format!("{JOB_FIELDS} attempts runner"))
        .await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["attempts"], 2);
    assert_eq!(end["runner"], app.state.jobs.owner());
    assert_eq!(
        reg.hits("/resources/ce-fw-a"),
        0,
        "A was done: not fetched again"
    );
    assert_eq!(reg.hits("/graph/ce-fw-b"), 1);
    assert_eq!(end["progress"]["frameworksDone"], 2);
    // A's counts come from the checkpoint, B's from this run (2 competencies).
    assert_eq!(end["progress"]["competenciesTotal"], 6);
    assert_eq!(end["progress"]["competenciesDone"], 6);
}

/// A certification blueprint as publishers release it: in a registry envelope, with weights,
/// list order, levels, comments, industries, a prerequisite, an occupation by target URL, a top
/// domain whose `isChildOf` names the framework (with a slash), and a competency listed twice.
#[tokio::test]
async fn a_blueprint_keeps_every_term_the_publisher_gave() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let down = reg.uri("/resources/ce-down");
    let started = start_import(&app, &[down.clone(), reg.uri("/resources/ce-fw-blueprint")]).await;
    let end = wait_for_end(&app, started["name"].as_str().unwrap()).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    assert_eq!(end["progress"]["frameworksDone"], 1, "the one imported");
    // The error says the failure was retried, not only its last status.
    assert_eq!(
        end["errors"],
        json!([{"target": down, "message": format!("{down}: HTTP 503 (gave up after 4 attempts)")}]),
    );
    assert_eq!(reg.hits("/resources/ce-down"), 4);
    assert_eq!(
        end["progress"]["competenciesTotal"], 5,
        "the twice-listed one counts once"
    );

    let fw = app
        .data(
            "{ frameworks { nodes { name publisher publicationStatus license sources dateCopyright dateCreated dateModified } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        fw["frameworks"]["nodes"][0],
        json!({"name": "Plan d'examen", "publisher": "Acme Certification Board",
            "publicationStatus": "Published", "license": "https://creativecommons.org/licenses/by/4.0/",
            "sources": ["https://example.org/blueprints/secops-2024.pdf"], "dateCopyright": "2024",
            "dateCreated": "2023-11-02", "dateModified": "2024-03-15"}),
        "a language map without en falls back to the document's first language"
    );

    let d = app
        .data(
            "{ skills(limit: 10, filter: {text: \"monitor\"}) { name description listId weight educationLevels
                complexityLevels comments industries dateCreated organizations parentNodes { name }
                childNodes { name listId childNodes { name } }
                alignments { skillAlignment { aligned { name alignmentType } } }
                occupations { detailedOccupation { code name } } } }",
            json!({}),
        )
        .await;
    let d1 = &d["skills"][0];
    assert_eq!(d1["name"], "Security Operations");
    assert_eq!(
        d1["description"],
        "Monitor, detect and respond to security events."
    );
    assert_eq!(d1["listId"], "2");
    assert_eq!(d1["weight"], 40.0);
    assert_eq!(d1["educationLevels"], json!(["Postsecondary"]));
    assert_eq!(d1["complexityLevels"], json!(["Advanced"]));
    assert_eq!(d1["comments"], json!(["About 40% of scored items."]));
    assert_eq!(
        d1["industries"],
        json!(["Computer Systems Design Services"])
    );
    assert_eq!(d1["dateCreated"], "2023-11-02");
    assert_eq!(
        d1["organizations"],
        json!(["https://example.org/orgs/acme"])
    );
    assert_eq!(d1["parentNodes"], json!([]), "top-level, not under a stub");
    // List order (2.2 before 2.10), not name order.
    let children: Vec<&str> = d1["childNodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["listId"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["2.2", "2.10"], "{d1:#}");
    assert_eq!(
        d1["childNodes"][1]["childNodes"],
        json!([{"name": "Correlate authentication failures"}]),
        "children from both listings of the duplicate"
    );
    assert_eq!(
        d1["alignments"]["skillAlignment"][0]["aligned"],
        json!([{"name": "Security Fundamentals", "alignmentType": "prerequisite"}])
    );
    assert_eq!(
        d1["occupations"]["detailedOccupation"],
        json!([{"code": "15-1212", "name": "Information Security Analysts"}])
    );
    // Without a label the text is both the name and the description (GraphQL and REST).
    let d0 = app
        .data(
            "{ skills(limit: 1, filter: {text: \"fundamentals\"}) { name description weight } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d0["skills"][0],
        json!({"name": "Security Fundamentals", "description": "Security Fundamentals", "weight": 60.0})
    );
    let rest = app
        .get_json("/skill-service/api/v1/skills?skip=0&limit=10")
        .await;
    let listed = rest.to_string();
    assert!(
        listed.contains("\"description\":\"Security Fundamentals\""),
        "{rest:#}"
    );
    assert!(listed.contains("https://example.org/orgs/acme"), "{rest:#}");
}

#[tokio::test]
async fn a_credential_links_the_skills_its_requirements_name() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let cred = reg.uri("/resources/ce-cred-secops");
    let started = start_import(&app, std::slice::from_ref(&cred)).await;
    let end = wait_for_end(&app, started["name"].as_str().unwrap()).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    // The frameworks its requirements name were imported with it (blueprint: 5, B: 2).
    assert_eq!(end["progress"]["competenciesTotal"], 7, "{end:#}");
    let nowhere = reg.uri("/resources/ce-nowhere-1");
    assert_eq!(
        end["errors"],
        json!([{"target": nowhere, "message": format!("required by {cred} but not in the graph")}])
    );

    let (names, d) = required(&app).await;
    // Two competencies by targetNode, and every competency of B, required as a whole.
    assert_eq!(
        names,
        [
            "Information Systems",
            "Secure configuration of systems",
            "Security Fundamentals",
            "Security Operations"
        ],
        "{d:#}"
    );
    let ops = (d["skills"].as_array().unwrap().iter())
        .find(|s| s["name"] == "Security Operations")
        .unwrap();
    assert_eq!(
        ops["certifications"],
        json!([{"uri": cred, "name": "Certified Security Operations Analyst", "credentialType": "Certification"}])
    );
    assert_eq!(
        ops["alignments"]["credentialAlignment"],
        json!([{"name": "Certified Security Operations Analyst"}])
    );

    // The seed's REST shape lists the credential by name.
    let rest = app
        .get_json("/skill-service/api/v1/skills?skip=0&limit=20")
        .await;
    assert!(
        rest.to_string()
            .contains("Certified Security Operations Analyst"),
        "{rest:#}"
    );

    // The publisher drops framework B from the requirements: a re-import removes those links.
    reg.set_revision("-withdrawn");
    let again = start_import(&app, std::slice::from_ref(&cred)).await;
    let end = wait_for_end(&app, again["name"].as_str().unwrap()).await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    let (names, _) = required(&app).await;
    assert_eq!(names, ["Security Fundamentals", "Security Operations"]);
    assert_eq!(
        app.count("MATCH (c:Credential) RETURN count(c) AS n").await,
        1,
        "merged by uri, not duplicated"
    );
}

/// Names of the skills with a credential (sorted), checking that `certifications` and
/// `alignments.credentialAlignment` agree; and the whole answer.
async fn required(app: &TestApp) -> (Vec<String>, Value) {
    let q = "{ skills(limit: 20) { name certifications { uri name credentialType }
        alignments { credentialAlignment { name } } } }";
    let d = app.data(q, json!({})).await;
    let mut names = vec![];
    for s in d["skills"].as_array().unwrap() {
        let certs: Vec<&Value> = (s["certifications"].as_array().unwrap().iter())
            .map(|c| &c["name"])
            .collect();
        let aligned: Vec<&Value> = (s["alignments"]["credentialAlignment"].as_array())
            .unwrap()
            .iter()
            .map(|c| &c["name"])
            .collect();
        assert_eq!(certs, aligned, "{s:#}");
        if !certs.is_empty() {
            names.push(s["name"].as_str().unwrap().to_string());
        }
    }
    names.sort();
    (names, d)
}

/// With a `neo4j://` URI the driver asks the server for its routing table (a single Community
/// server answers with itself) and sends every statement where the table says: reads, the
/// mutation, and a whole job with its claims, heartbeats and batches.
#[tokio::test]
async fn a_whole_import_runs_through_a_routing_neo4j_uri() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|c| c.db.uri = format!("neo4j://{}", c.db.uri)).await;
    assert!(app.state.config.db.uri.starts_with("neo4j://"));
    let started = start_import(&app, &[reg.uri("/resources/ce-fw-a")]).await;
    let ended = wait_for_end(&app, started["name"].as_str().unwrap()).await;
    assert_eq!(ended["status"], "SUCCEEDED", "{ended:#}");
    let read = app
        .data(
            "{ skillConnection(filter:{source:\"credential_engine\"}){ totalCount } }",
            json!({}),
        )
        .await;
    // Framework A's four competencies, one without text (reported, skipped).
    assert_eq!(ended["progress"]["competenciesDone"], 4);
    assert_eq!(read["skillConnection"]["totalCount"], 3);
}

#[tokio::test]
async fn control_characters_from_a_registry_are_removed_and_reported() {
    let (_, reg) = ce_server::start(0).await;
    let app = app_for_registry(|_| {}).await;
    let uri = reg.uri("/resources/ce-fw-controls");
    let started = start_import(&app, &[uri]).await;
    let name = started["name"].as_str().unwrap();
    let job = app
        .job_when_finished(name, "status errors { target message }")
        .await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert!(
        job["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["message"]
                .as_str()
                .unwrap()
                .contains("3 control or bidirectional-override characters were removed")),
        "{job:#}"
    );
    let texts = app
        .data("{ skills(limit: 10) { description } }", json!({}))
        .await;
    let all = texts.to_string();
    assert!(all.contains("Spoofed name"), "{all}");
    assert!(
        !all.contains("\\u0000") && !all.contains("\\u202e"),
        "{all}"
    );
}
