//! Every Skill Event type loaded from a CSV in the real S3-compatible store (the task created
//! through the REST API the seed defines), read back through GraphQL with its typed content;
//! then the loader's robustness: caps, control characters, repeated columns, moved edges.

use std::time::Duration;

use common::{s3, TestApp};
use serde_json::{json, Value};
use skillgraph::ingest::file_load::schema::{Kind, COMMON};
use skillgraph::ingest::file_load::EntityType;

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in snake.chars() {
        match ch {
            '_' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false
            }
            c => out.push(c),
        }
    }
    out
}

fn pascal(snake: &str) -> String {
    let c = camel(snake);
    c[..1].to_uppercase() + &c[1..]
}

/// Creates a task the way the seed's clients do and waits for it to end; returns the task.
async fn load_by_rest(app: &TestApp, entity: &str, uri: &str) -> Value {
    let body = json!({
        "entity_type": entity, "method": "s3_iam_user", "uri": uri,
        "credentials": {"aws_access_key_id": s3::access_key(), "aws_secret_access_key": s3::secret_key()}
    });
    let created: Value = app
        .http
        .post(app.url("/integrations/file-load-tasks"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["task_id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created:#}"))
        .to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let task = app
            .get_json(&format!("/integrations/file-load-tasks/{id}"))
            .await;
        if task["data"]["status"] != "active" && task["data"]["status"] != "pending" {
            return task["data"].clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never ended: {task:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Loads two valid rows and one without the type's required content; reads them back.
async fn loads_and_reads_back(entity: EntityType) {
    let name = entity.name();
    let schema = entity.schema();
    let columns: Vec<&str> = schema.content.iter().map(|c| c.name).collect();
    let full: Vec<String> = (schema.content.iter())
        .map(|c| match c.kind {
            Kind::Text => format!("{} of {name}", c.name),
            Kind::Date if c.name == "start_date" => "2018-09-05".into(),
            Kind::Date => "2020-06-17T12:30:00+02:00".into(),
        })
        .collect();
    // The second row gives only the first required alternative.
    let minimal: Vec<String> = (schema.content.iter())
        .map(|c| {
            if schema.required[0].contains(&c.name) {
                format!("only {}", c.name)
            } else {
                String::new()
            }
        })
        .collect();
    let empty = vec![String::new(); columns.len()];
    let mut csv = format!("{},source,{}\n", COMMON.join(","), columns.join(","));
    for (id, ts, content) in [
        ("a-1", "2025-05-02", &full),
        ("a-2", "2025-05-03T08:00:00Z", &minimal),
        ("a-3", "2025-05-04", &empty),
    ] {
        csv += &format!("emp-{name},{id},EN,{ts},hr,{}\n", content.join(","));
    }
    let bucket = s3::bucket().await;
    s3::put(&bucket, "events.csv", csv).await;
    let app = TestApp::start().await;
    let task = load_by_rest(&app, name, &format!("s3://{bucket}/events.csv")).await;
    assert_eq!(task["status"], "succeeded", "{task:#}");
    assert_eq!(task["entity_type"], name);
    assert_eq!(
        (task["rows_loaded"].as_i64(), task["rows_rejected"].as_i64()),
        (Some(2), Some(1)),
        "{task:#}"
    );
    assert_eq!(task["errors"][0]["line"], 4);
    let needs = schema.required[0].join(" and ");
    assert!(
        task["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&needs),
        "{task:#}"
    );

    let fields: Vec<String> = columns.iter().map(|c| camel(c)).collect();
    let q = format!(
        "query($t: EntityType) {{ skillEvents(eventType: $t) {{ totalCount nodes {{
            externalId eventType language timestamp source employeeExternalId
            content {{ __typename ... on {}Content {{ {} }} }} }} }} }}",
        pascal(name),
        fields.join(" ")
    );
    let gql_type = name.to_uppercase();
    let data = app.data(&q, json!({"t": gql_type})).await;
    let events = &data["skillEvents"];
    assert_eq!(events["totalCount"], 2, "{data:#}");
    let [newest, oldest] = [&events["nodes"][0], &events["nodes"][1]];
    assert_eq!(newest["externalId"], "a-2");
    assert_eq!(newest["timestamp"], "2025-05-03T08:00:00.000Z");
    assert_eq!(oldest["timestamp"], "2025-05-02T00:00:00.000Z");
    assert_eq!(oldest["eventType"], name);
    assert_eq!(oldest["language"], "en");
    assert_eq!(oldest["source"], "hr");
    assert_eq!(oldest["employeeExternalId"], format!("emp-{name}"));
    assert_eq!(
        oldest["content"]["__typename"],
        format!("{}Content", pascal(name))
    );
    for (column, field) in columns.iter().zip(&fields) {
        let expected = match *column {
            "start_date" => "2018-09-05T00:00:00.000Z".to_string(),
            "end_date" => "2020-06-17T10:30:00.000Z".to_string(),
            c => format!("{c} of {name}"),
        };
        assert_eq!(oldest["content"][field], expected.as_str(), "{field}");
        let minimal = if schema.required[0].contains(column) {
            json!(format!("only {column}"))
        } else {
            Value::Null
        };
        assert_eq!(newest["content"][field], minimal, "{field}");
    }
    // Another type's filter does not see these events.
    let other = if entity == EntityType::Goal {
        "TICKET"
    } else {
        "GOAL"
    };
    let none = app
        .data(
            "query($t: EntityType) { skillEvents(eventType: $t) { totalCount } }",
            json!({"t": other}),
        )
        .await;
    assert_eq!(none["skillEvents"]["totalCount"], 0);
}

macro_rules! per_type {
    ($($test:ident => $entity:ident),* $(,)?) => {
        $(#[tokio::test]
        async fn $test() {
            loads_and_reads_back(EntityType::$entity).await;
        })*
    };
}

per_type! {
    working_history_events_load_with_their_content => WorkingHistory,
    education_history_events_load_with_their_content => EducationHistory,
    resume_document_events_load_with_their_content => ResumeDocument,
    learning_events_load_with_their_content => Learning,
    feedback_events_load_with_their_content => Feedback,
    goal_events_load_with_their_content => Goal,
    project_events_load_with_their_content => Project,
    ticket_events_load_with_their_content => Ticket,
    certificate_events_load_with_their_content => Certificate,
    skill_notes_events_load_with_their_content => SkillNotes,
    skill_profile_feedback_events_load_with_their_content => SkillProfileFeedback,
}

const FIELDS: &str = "finished status message progress { rowsRead rowsLoaded rowsRejected }
    errors { line message }";

async fn load(app: &TestApp, entity: &str, key: &str, body: impl Into<Vec<u8>>) -> Value {
    let bucket = s3::bucket().await;
    s3::put(&bucket, key, body).await;
    let mut vars = common::load_task(&format!("s3://{bucket}/{key}"));
    vars["i"]["entityType"] = json!(entity);
    let d = app.data(common::LOAD_TASK, vars).await;
    let name = d["createFileLoadTask"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    app.job_when_finished(&name, FIELDS).await
}

fn errors(job: &Value) -> Vec<(i64, String)> {
    (job["errors"].as_array().unwrap().iter())
        .map(|e| {
            let line = e["line"].as_i64().unwrap();
            (line, e["message"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test]
async fn oversized_and_control_character_rows_are_rejected_and_the_rest_load() {
    let app = TestApp::start().await;
    let huge_field = "x".repeat(2 << 20); // over the 1 MiB field cap, under the record cap
    let huge_record = "y".repeat(100 << 20); // over the 4 MiB record cap: never buffered whole
    let csv = format!(
        "employee_external_id,external_id,language,timestamp,goal_title,goal_description\n\
         emp-1,g-1,en,2025-01-01,Lead a team,\n\
         emp-1,g-2,en,2025-01-02,Big,{huge_field}\n\
         emp-1,g-3,en,2025-01-03,Ship it,\"two\nlines\"\n\
         emp-1,g-4,en,2025-01-04,Huge,{huge_record}\n\
         emp-1,g-5,en,2025-01-05,Nul\u{0}here,\n\
         emp-1,g-6,auto,2025-01-06,Last,\"tab\there\"\n"
    );
    let job = load(&app, "GOAL", "caps.csv", csv).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job:#}");
    assert_eq!(
        job["progress"],
        json!({"rowsRead": 6, "rowsLoaded": 3, "rowsRejected": 3})
    );
    let errors = errors(&job);
    let lines: Vec<i64> = errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, [3, 6, 7], "{errors:#?}");
    assert!(errors[0]
        .1
        .contains("field 6 is larger than the 1048576 byte limit"));
    assert!(errors[1]
        .1
        .contains("record larger than the 4194304 byte limit"));
    assert!(errors[2]
        .1
        .contains("control character U+0000 in column goal_title"));
    let loaded = app
        .data(
            "{ skillEvents(eventType: GOAL) { nodes { externalId content { ... on GoalContent { goalDescription } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        loaded["skillEvents"]["nodes"],
        json!([
            {"externalId": "g-6", "content": {"goalDescription": "tab\there"}},
            {"externalId": "g-3", "content": {"goalDescription": "two\nlines"}},
            {"externalId": "g-1", "content": {"goalDescription": null}},
        ])
    );
}

#[tokio::test]
async fn a_column_named_twice_fails_the_task_at_once() {
    let app = TestApp::start().await;
    let job = load(
        &app,
        "TICKET",
        "twice.csv",
        "employee_external_id,external_id,language,timestamp,ticket_title,Ticket_Title\n\
         emp-1,t-1,en,2025-01-01,A,B\n",
    )
    .await;
    assert_eq!(job["status"], "FAILED", "{job:#}");
    let message = job["message"].as_str().unwrap();
    assert!(
        message.contains("column(s) named twice: ticket_title"),
        "{message}"
    );
    assert_eq!(job["progress"]["rowsLoaded"], 0);
}

#[tokio::test]
async fn reloading_an_event_moves_its_edges_and_clears_what_the_row_left_out() {
    let app = TestApp::start().await;
    let head = "employee_external_id,external_id,language,timestamp,course_id,learning_title,learning_description\n";
    let first = format!("{head}emp-1,ev-1,en,2025-01-01,course-1,Rust,Ownership\n");
    let job = load(&app, "LEARNING", "first.csv", first).await;
    assert_eq!(job["progress"]["rowsLoaded"], 1, "{job:#}");
    let second = format!("{head}emp-2,ev-1,en,2025-01-01,course-2,,\n");
    let job = load(&app, "LEARNING", "second.csv", second).await;
    assert_eq!(job["progress"]["rowsLoaded"], 1, "{job:#}");

    let edges = |rel: &'static str| {
        let app = &app;
        async move {
            let q = format!("MATCH (a)-[:{rel}]->(b) RETURN coalesce(a.external_id, '') + '>' + coalesce(b.external_id, b.id) AS e");
            let rows = app.graph().rows_unchecked(neo4rs::query(&q)).await.unwrap();
            rows.iter()
                .map(|r| r.get::<String>("e").unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(edges("HAS_EVENT").await, ["emp-2>ev-1"]);
    assert_eq!(edges("FOR_COURSE").await, ["ev-1>course-2"]);
    let read = app
        .data(
            "{ old: employee(externalId: \"emp-1\") { events { externalId } }
               new: employee(externalId: \"emp-2\") { events { externalId content { ... on LearningContent { courseId learningTitle } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(read["old"]["events"], json!([]));
    assert_eq!(
        read["new"]["events"],
        json!([{"externalId": "ev-1", "content": {"courseId": "course-2", "learningTitle": null}}])
    );
}
