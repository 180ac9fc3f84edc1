//! Keyset pagination against the real test database: cursors that hold their place while the
//! graph changes, deep pages, every filter combination, the fixed-width event time order.

use common::{error_code, s3, TestApp};
use serde_json::{json, Value};
use skillgraph::graph::writes::{self, FrameworkRow, SkillRow};
use skillgraph::model::{FrameworkProps, SkillProps};

fn skill(uri: &str, name: &str, framework: &str, source: &str, description: &str) -> SkillRow {
    SkillRow {
        uri: uri.into(),
        framework_uri: Some(framework.into()),
        props: SkillProps {
            name: Some(name.into()),
            description: Some(description.into()),
            source_name: Some(source.into()),
            ..Default::default()
        },
    }
}

async fn frameworks(app: &TestApp, uris: &[&str]) {
    let rows: Vec<FrameworkRow> = (uris.iter())
        .map(|u| FrameworkRow {
            uri: u.to_string(),
            props: FrameworkProps {
                name: Some(format!("Framework {u}")),
                ..Default::default()
            },
        })
        .collect();
    writes::upsert_frameworks(app.graph(), &rows).await.unwrap();
}

const PAGE: &str = "query($first: Int, $after: String, $f: SkillFilterInput) {
    skillConnection(first: $first, after: $after, filter: $f) {
        totalCount nodes { name uuid } pageInfo { hasNextPage hasPreviousPage endCursor } } }";

/// Every (name, uuid) of a listing, walked page by page with cursors (with a deadline in pages).
async fn walk(app: &TestApp, first: usize, filter: &Value) -> (Vec<(String, String)>, i64) {
    let mut after = Value::Null;
    let mut seen = vec![];
    for page in 0..=10_000 / first {
        let d = app
            .data(PAGE, json!({"first": first, "after": after, "f": filter}))
            .await;
        let c = &d["skillConnection"];
        let total = c["totalCount"].as_i64().unwrap();
        assert_eq!(c["pageInfo"]["hasPreviousPage"], page > 0);
        for n in c["nodes"].as_array().unwrap() {
            seen.push((
                n["name"].as_str().unwrap().to_string(),
                n["uuid"].as_str().unwrap().to_string(),
            ));
        }
        if c["pageInfo"]["hasNextPage"] == false {
            return (seen, total);
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    panic!("the listing never ended");
}

#[tokio::test]
async fn a_cursor_keeps_its_place_when_skills_are_added_before_it() {
    let app = TestApp::start().await;
    frameworks(&app, &["urn:fw:a"]).await;
    let rows: Vec<_> = (0..30)
        .map(|i| {
            skill(
                &format!("urn:s:{i}"),
                &format!("Skill {i:02}"),
                "urn:fw:a",
                "x",
                "",
            )
        })
        .collect();
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();

    let first = app.data(PAGE, json!({"first": 10})).await;
    let cursor = first["skillConnection"]["pageInfo"]["endCursor"].clone();
    // Five skills sort before the cursor, two after it.
    let added: Vec<_> = (0..5)
        .map(|i| {
            skill(
                &format!("urn:new:{i}"),
                &format!("Aardvark {i}"),
                "urn:fw:a",
                "x",
                "",
            )
        })
        .chain([skill("urn:new:z", "Skill 15b", "urn:fw:a", "x", "")])
        .collect();
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &added)
        .await
        .unwrap();

    let next = app.data(PAGE, json!({"first": 10, "after": cursor})).await;
    let names: Vec<&str> = (next["skillConnection"]["nodes"].as_array().unwrap().iter())
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    // An offset cursor would now start five skills earlier, at "Skill 05".
    assert_eq!(
        names,
        [
            "Skill 10",
            "Skill 11",
            "Skill 12",
            "Skill 13",
            "Skill 14",
            "Skill 15",
            "Skill 15b",
            "Skill 16",
            "Skill 17",
            "Skill 18"
        ]
    );
    assert_eq!(next["skillConnection"]["totalCount"], 36);

    let old = app.gql(PAGE, json!({"first": 10, "after": "o:9"})).await;
    assert_eq!(error_code(&old), "BAD_USER_INPUT");
    assert!(old["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("older version"));
}

#[tokio::test]
async fn a_deep_page_reached_by_cursor_holds_the_right_skills() {
    let app = TestApp::start().await;
    frameworks(&app, &["urn:fw:a"]).await;
    // 1,200 skills, 40 of them sharing one name (ties are ordered by uuid).
    let rows: Vec<_> = (0..1200)
        .map(|i| {
            let name = if i % 30 == 0 {
                "Same name".to_string()
            } else {
                format!("Skill {:04}", (i * 7919) % 1200)
            };
            skill(&format!("urn:s:{i}"), &name, "urn:fw:a", "x", "")
        })
        .collect();
    for chunk in rows.chunks(500) {
        writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), chunk)
            .await
            .unwrap();
    }
    let (seen, total) = walk(&app, 100, &Value::Null).await;
    assert_eq!(total, 1200);
    let mut expected = seen.clone();
    expected.sort();
    expected.dedup();
    assert_eq!(seen.len(), 1200, "no skill seen twice or missed");
    assert_eq!(seen, expected, "in (name, uuid) order across every page");
    let same = seen.iter().filter(|(n, _)| n == "Same name").count();
    assert_eq!(
        same, 40,
        "ties are neither lost nor repeated at page boundaries"
    );
}

/// Skills whose text, source and framework vary independently, so that each filter matters.
async fn seed_varied(app: &TestApp) -> Vec<(String, &'static str, &'static str, String)> {
    frameworks(app, &["urn:fw:a", "urn:fw:b"]).await;
    let mut rows = vec![];
    let mut facts = vec![];
    for i in 0..48 {
        let fw = ["urn:fw:a", "urn:fw:b"][i % 2];
        let source = ["onet", "credential_engine", "esco"][i % 3];
        let name = format!("{} {i:02}", ["Data", "Cloud", "Team", "Data team"][i % 4]);
        let description = if i % 5 == 0 { "about DATA" } else { "other" };
        rows.push(skill(&format!("urn:v:{i}"), &name, fw, source, description));
        let text = format!("{} {}", name.to_lowercase(), description.to_lowercase());
        facts.push((name, fw, source, text));
    }
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    facts
}

#[tokio::test]
async fn every_filter_combination_returns_what_its_filters_say() {
    let app = TestApp::start().await;
    let facts = seed_varied(&app).await;
    for text in [None, Some("data")] {
        for source in [None, Some("onet")] {
            for fw in [None, Some("urn:fw:b")] {
                let filter = json!({"text": text, "source": source, "framework": fw});
                let mut expected: Vec<&str> = (facts.iter())
                    .filter(|(_, f, s, t)| {
                        text.is_none_or(|x| t.contains(x))
                            && source.is_none_or(|x| *s == x)
                            && fw.is_none_or(|x| *f == x)
                    })
                    .map(|(n, ..)| n.as_str())
                    .collect();
                expected.sort();
                let (seen, total) = walk(&app, 7, &filter).await;
                let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, expected, "{filter}");
                assert_eq!(total as usize, expected.len(), "{filter}");
                assert!(
                    !expected.is_empty(),
                    "{filter}: the seed must match something"
                );
            }
        }
    }
}

#[tokio::test]
async fn frameworks_page_by_cursor_and_count_their_own_skills() {
    let app = TestApp::start().await;
    seed_varied(&app).await;
    let q = "query($after: String) { frameworks(first: 1, after: $after) {
        nodes { name skillCount } pageInfo { endCursor hasNextPage } } }";
    let a = app.data(q, json!({})).await;
    assert_eq!(
        a["frameworks"]["nodes"],
        json!([{"name": "Framework urn:fw:a", "skillCount": 24}])
    );
    let after = a["frameworks"]["pageInfo"]["endCursor"].clone();
    let b = app.data(q, json!({"after": after})).await;
    assert_eq!(
        b["frameworks"]["nodes"],
        json!([{"name": "Framework urn:fw:b", "skillCount": 24}])
    );
    assert_eq!(b["frameworks"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn events_list_in_time_order_within_a_second_and_by_cursor() {
    let app = TestApp::start().await;
    // Fractions of different lengths: as given they would sort wrongly as text
    // ("...00.5Z" > "...00.25Z" but "...00Z" > both).
    let csv = "employee_external_id,external_id,language,timestamp,course_id\n\
               emp-1,ev-a,en,2024-05-01T10:00:00Z,c\n\
               emp-1,ev-b,en,2024-05-01T10:00:00.5Z,c\n\
               emp-1,ev-c,en,2024-05-01T10:00:00.25Z,c\n\
               emp-1,ev-d,en,2024-05-01T10:00:01+00:00,c\n\
               emp-1,ev-e,en,2024-05-01,c\n\
               emp-1,ev-f,en,2024-05-01T09:00:00Z,c\n\
               emp-1,ev-h,en,2024-05-01T09:00:00Z,c\n\
               emp-1,ev-g,en,2024-05-01T09:00:00Z,c\n";
    let bucket = s3::bucket().await;
    s3::put(&bucket, "times.csv", csv).await;
    let d = app
        .data(
            common::LOAD_TASK,
            common::load_task(&format!("s3://{bucket}/times.csv")),
        )
        .await;
    let name = d["createFileLoadTask"]["name"].as_str().unwrap();
    let job = app
        .job_when_finished(name, "status progress { rowsLoaded }")
        .await;
    assert_eq!(job["progress"]["rowsLoaded"], 8, "{job:#}");

    let q = "query($after: String) { skillEvents(first: 2, after: $after) {
        nodes { externalId timestamp } pageInfo { endCursor hasNextPage } } }";
    let mut after = Value::Null;
    let mut order = vec![];
    for _ in 0..8 {
        let page = app.data(q, json!({"after": after})).await;
        for n in page["skillEvents"]["nodes"].as_array().unwrap() {
            order.push(n["externalId"].as_str().unwrap().to_string());
        }
        if page["skillEvents"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["skillEvents"]["pageInfo"]["endCursor"].clone();
    }
    // Three events share a time (ties newest-id first) and a page boundary falls between them.
    assert_eq!(
        order,
        ["ev-d", "ev-b", "ev-c", "ev-a", "ev-h", "ev-g", "ev-f", "ev-e"]
    );
}

#[tokio::test]
async fn offsets_are_bounded() {
    let app = TestApp::start_with(|c| c.limits.max_offset = 50).await;
    let q = "query($skip: Int) { skills(skip: $skip, limit: 10) { name } }";
    assert!(app.gql(q, json!({"skip": 50})).await["errors"].is_null());
    let deep = app.gql(q, json!({"skip": 51})).await;
    assert_eq!(error_code(&deep), "BAD_USER_INPUT");
    let rest = app
        .http
        .get(app.url("/skill-service/api/v1/skills?skip=51&limit=10"))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 422);
    let body: Value = rest.json().await.unwrap();
    assert_eq!(body["success"], false);
}
