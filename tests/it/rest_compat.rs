//! The seed REST APIs, replayed against the running service (real test database, local CE
//! document server, S3 server), checking every documented key.

use std::time::Duration;

use common::{ce_server, s3, TestApp};
use serde_json::{json, Value};

async fn post(app: &TestApp, path: &str, body: &str) -> (u16, Value) {
    let resp = app
        .http
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let resp = app.http.get(app.url(path)).send().await.unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// GETs `path` until the seed status is no longer `active`; fails the test after a deadline.
async fn until_ended(app: &TestApp, path: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = get(app, path).await;
        assert_eq!(status, 200, "{body:#}");
        if body["data"]["status"] != "active" {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} still active: {body:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_job(app: &TestApp, job_name: &str) -> Value {
    until_ended(
        app,
        &format!("/skill-service/api/v1/jobs/credential_engine_ingestion/{job_name}"),
    )
    .await
}

/// A service whose registry host resolves to loopback (tests never leave the machine: nothing
/// serves HTTPS there, so a fetch fails fast and locally), with the recorded registry allowed.
async fn seed_app() -> TestApp {
    TestApp::start_with(|c| {
        c.ingest.ce_allowed_hosts.extend(ce_server::allowed());
        c.ingest.ce_resolve = vec!["credentialengineregistry.org=127.0.0.1".into()];
        c.ingest.http_retries = 0;
        c.ingest.http_timeout_secs = 2;
    })
    .await
}

/// Starts an import through the seed route; the job's name.
async fn seed_import(app: &TestApp, body: &str) -> String {
    let (status, started) = post(app, "/skill-service/api/v1/import/credential-engine", body).await;
    assert_eq!(status, 200, "{started:#}");
    started["data"]["job_name"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_seeds_own_request_starts_a_job_that_fails_in_the_seeds_shape() {
    let app = seed_app().await;
    // The seed's request body verbatim. The registry is out of reach (pinned to loopback), so
    // the job then fails; its status and errors must say so in the seed's shape.
    let seed_body = r#"{
  "competency_frameworks": [
    "https://credentialengineregistry.org/resources/ce-6fdd56d3-0214-4a67-b0c4-bb4c16ce9a13"
  ]
}"#;
    let (status, body) = post(
        &app,
        "/skill-service/api/v1/import/credential-engine",
        seed_body,
    )
    .await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(keys(&body), ["data", "message", "success"]);
    assert_eq!(body["success"], true);
    assert_eq!(body["message"], "Successfully initiated the job with type 'credential_engine_ingestion'. Please use the job name to track the job status");
    assert_eq!(keys(&body["data"]), ["job_name", "status"]);
    assert_eq!(body["data"]["status"], "active");
    let offline_job = body["data"]["job_name"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&offline_job).is_ok());

    let failed = wait_job(&app, &offline_job).await;
    assert_eq!(failed["data"]["status"], "failed");
    assert!(failed["data"]["errors"]["message"]
        .as_str()
        .unwrap()
        .contains("no framework could be imported"));
    assert!(failed["data"]["errors"]["items"][0]["target"]
        .as_str()
        .unwrap()
        .contains("ce-6fdd56d3"));
}

#[tokio::test]
async fn an_import_and_its_skills_read_back_in_the_seeds_shape() {
    let (_, reg) = ce_server::start(0).await;
    let app = seed_app().await;
    let frameworks = [reg.uri("/resources/ce-fw-a"), reg.uri("/resources/ce-fw-b")];
    let name = seed_import(
        &app,
        &json!({"competency_frameworks": frameworks}).to_string(),
    )
    .await;

    let done = wait_job(&app, &name).await;
    // The creator the service recorded, as GraphQL reports it too.
    let by = app
        .data(
            "query($n:String!){ job(jobName:$n){ createdBy } }",
            json!({"n": name}),
        )
        .await["job"]["createdBy"]
        .clone();
    assert_seed_job(&done, &name, &by, &json!(frameworks));

    let (status, listed) = get(&app, "/skill-service/api/v1/skills?skip=0&limit=10").await;
    assert_eq!(status, 200, "{listed:#}");
    assert_eq!(listed["success"], true);
    assert_eq!(listed["message"], "Data fetched successfully");
    let skills = listed["data"].as_array().unwrap();
    assert_eq!(skills.len(), 5);
    assert_seed_skill_keys(skills);
    assert_seed_examples(skills, &reg);

    let (_, page2) = get(&app, "/skill-service/api/v1/skills?skip=4&limit=10").await;
    assert_eq!(page2["data"].as_array().unwrap().len(), 1);
}

/// A finished import in the seed's job shape: its keys, status, creator, input and times.
fn assert_seed_job(done: &Value, name: &str, by: &Value, links: &Value) {
    assert_eq!(keys(done), ["data", "message", "success"]);
    assert_eq!(done["message"], "Successfully fetched the batch job");
    let d = &done["data"];
    assert_eq!(
        keys(d),
        [
            "created_by",
            "created_time",
            "errors",
            "input_data",
            "job_name",
            "last_modified_by",
            "last_modified_time",
            "status",
            "type"
        ]
    );
    assert_eq!(d["job_name"], name);
    assert_eq!(d["status"], "succeeded");
    assert_eq!(d["type"], "credential_engine_ingestion");
    assert!(by.as_str().is_some_and(|b| !b.is_empty()), "{by}");
    assert_eq!(&d["created_by"], by);
    assert_eq!(&d["last_modified_by"], by);
    assert_eq!(&d["input_data"]["links"], links);
    let time = d["created_time"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S%.6f%:z").is_ok(),
        "{time}"
    );
    assert!(d["last_modified_time"].as_str().unwrap() >= time);
    // One competency without text was skipped and reported.
    assert!(d["errors"]["items"][0]["message"]
        .as_str()
        .unwrap()
        .contains("competencyText"));
}

/// Every skill has the seed example's keys, nested ones included.
fn assert_seed_skill_keys(skills: &[Value]) {
    let example_keys = [
        "alignments",
        "author",
        "certifications",
        "creator",
        "description",
        "keywords",
        "name",
        "occupations",
        "onet_job",
        "organizations",
        "parent_nodes",
        "reference_id",
        "source_name",
        "source_uri",
        "type",
        "uuid",
    ];
    for s in skills {
        assert_eq!(keys(s), example_keys);
        assert_eq!(
            keys(&s["alignments"]),
            [
                "credential_alignment",
                "knowledge_alignment",
                "organizational_alignment",
                "role_alignment",
                "skill_alignment",
                "standard_alignment"
            ]
        );
        assert_eq!(
            keys(&s["alignments"]["knowledge_alignment"]),
            [
                "knowledge_nodes",
                "learning_content_ids",
                "learning_unit_ids"
            ]
        );
        assert_eq!(keys(&s["alignments"]["role_alignment"]), ["onet"]);
        assert_eq!(
            keys(&s["occupations"]),
            [
                "broad_occupation",
                "detailed_occupation",
                "occupations_major_group",
                "occupations_minor_group"
            ]
        );
        assert_eq!(keys(&s["type"]), ["id", "name"]);
    }
}

/// Two skills of the recorded frameworks, field by field as the seed example shows them.
fn assert_seed_examples(skills: &[Value], reg: &ce_server::Registry) {
    let os = skills
        .iter()
        .find(|s| s["name"] == "Operating System Components")
        .unwrap();
    assert_eq!(
        os["description"],
        "Explain the purpose of and relationship between common components of an operating system"
    );
    assert_eq!(os["reference_id"], "IDS-20252-02");
    assert_eq!(os["source_name"], "credential_engine");
    assert_eq!(os["source_uri"], reg.uri("/resources/ce-a1"));
    assert_eq!(os["keywords"], json!(["operating systems", "kernel"]));
    assert_eq!(os["occupations"]["detailed_occupation"], json!(["15-1212"]));
    assert_eq!(
        os["occupations"]["occupations_major_group"],
        json!(["15-0000"])
    );
    assert_eq!(os["onet_job"], "Information Security Analysts");
    assert_eq!(
        os["alignments"]["role_alignment"]["onet"]["credential_engine"]["aligned"][0]["id"],
        "15-1212.00"
    );
    assert_eq!(
        os["type"],
        json!({"id": "ceasn:Competency", "name": "Skill"})
    );
    let sched = skills
        .iter()
        .find(|s| s["name"] == "Describe process scheduling")
        .unwrap();
    assert_eq!(sched["parent_nodes"], json!([reg.uri("/resources/ce-a1")]));
    let aligned = &sched["alignments"]["skill_alignment"]["credential_engine"];
    assert_eq!(keys(aligned), ["aligned", "suggested"]);
    let info = aligned["aligned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Information Systems")
        .unwrap();
    assert_eq!(keys(info), ["id", "name", "score"]);
}

#[tokio::test]
async fn errors_are_404_and_422_never_500() {
    let app = TestApp::start().await;
    let (status, body) = get(&app, "/skill-service/api/v1/jobs/credential_engine_ingestion/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(status, 404);
    assert_eq!(body["success"], false);
    assert!(body["message"].as_str().unwrap().contains("00000000"));
    let (status, _) = get(&app, "/integrations/file-load-tasks/nope").await;
    assert_eq!(status, 404);
    // A path that does not decode is answered in the same JSON shape (was text/plain).
    for path in [
        "/integrations/file-load-tasks/%ff",
        "/skill-service/api/v1/jobs/file_load/%ff%fe",
    ] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["success"], false, "{path}: {body}");
    }

    for (path, body, field) in [
        (
            "/skill-service/api/v1/import/credential-engine",
            "{}",
            "competency_frameworks",
        ),
        (
            "/skill-service/api/v1/import/credential-engine",
            r#"{"competency_frameworks": "x"}"#,
            "competency_frameworks",
        ),
        (
            "/skill-service/api/v1/import/credential-engine",
            r#"{"competency_frameworks": []}"#,
            "at least one",
        ),
        (
            "/skill-service/api/v1/import/credential-engine",
            "not json",
            "not valid JSON",
        ),
        (
            "/integrations/file-load-tasks",
            r#"{"method": "s3_iam_user"}"#,
            "entity_type",
        ),
        (
            "/integrations/file-load-tasks",
            r#"{"entity_type": "courses", "method": "s3_iam_user"}"#,
            "entity_type",
        ),
        (
            "/integrations/file-load-tasks",
            r#"{"entity_type": "learning", "method": "s3_iam_user", "uri": "s3://b/k.csv"}"#,
            "credentials",
        ),
        (
            "/integrations/file-load-tasks",
            r#"{"entity_type": "learning", "method": "s3_iam_user", "uri": "s3://bucket/k.csv", "credentials": {"aws_access_key_id": "a"}}"#,
            "aws_secret_access_key",
        ),
        (
            "/integrations/file-load-tasks",
            r#"{"entity_type": "learning", "method": "s3_iam_user", "uri": "http://x/k.csv", "credentials": {"aws_access_key_id": "a", "aws_secret_access_key": "b"}}"#,
            "s3://",
        ),
    ] {
        let (status, resp) = post(&app, path, body).await;
        assert_eq!(status, 422, "{path} {body}: {resp:#}");
        assert_eq!(resp["success"], false);
        assert!(
            resp["message"].as_str().unwrap().contains(field),
            "{body}: {resp:#}"
        );
    }
    let (status, resp) = get(&app, "/skill-service/api/v1/skills?skip=-1&limit=10").await;
    assert_eq!(status, 422);
    assert!(resp["message"].as_str().unwrap().contains("skip"));
    let (status, resp) = get(&app, "/skill-service/api/v1/skills?skip=0&limit=1000").await;
    assert_eq!(status, 422);
    assert!(resp["message"].as_str().unwrap().contains("at most 100"));
}

#[tokio::test]
async fn file_load_task_seed_flow() {
    let app = TestApp::start().await;
    let bucket = s3::bucket().await;
    s3::put(
        &bucket,
        "learning.csv",
        "employee_external_id,language,external_id,timestamp,course_id\nemp-1,en,ev-1,2024-05-01T10:00:00Z,c-1\nemp-1,en,ev-2,not-a-time,c-1\n",
    )
    .await;
    let body = json!({
        "entity_type": "learning",
        "method": "s3_iam_user",
        "uri": format!("s3://{bucket}/learning.csv"),
        "credentials": {
            "aws_access_key_id": s3::access_key(),
            "aws_secret_access_key": s3::secret_key(),
            "aws_session_token": null
        }
    });
    let (status, created) = post(&app, "/integrations/file-load-tasks", &body.to_string()).await;
    assert_eq!(status, 200, "{created:#}");
    assert_eq!(created["success"], true);
    let task_id = created["data"]["task_id"].as_str().unwrap().to_string();
    let task = until_ended(&app, &format!("/integrations/file-load-tasks/{task_id}")).await;
    let d = &task["data"];
    assert_eq!(d["status"], "succeeded", "{task:#}");
    assert_eq!(d["task_id"], task_id);
    assert_eq!(d["entity_type"], "learning");
    assert_eq!(d["uri"], format!("s3://{bucket}/learning.csv"));
    assert_eq!(
        (
            d["rows_read"].as_i64(),
            d["rows_loaded"].as_i64(),
            d["rows_rejected"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(d["errors"][0]["line"], 3);
    assert!(!task.to_string().contains(&s3::secret_key()));
    // A file load task is not a credential engine job.
    let (status, _) = get(
        &app,
        &format!("/skill-service/api/v1/jobs/credential_engine_ingestion/{task_id}"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = get(
        &app,
        &format!("/skill-service/api/v1/jobs/file_load/{task_id}"),
    )
    .await;
    assert_eq!(status, 200);
}
