//! Exploring the graph as frontends do: nested lists that are complete or say they are not, and
//! a cost budget that admits real pages and explains itself.

use std::collections::BTreeSet;

use common::TestApp;
use serde_json::{json, Value};
use skillgraph::graph::writes::{self, ChildEdges, SkillRow};
use skillgraph::model::SkillProps;

/// A parent `urn:p` with `children` children (`C 000`, `C 001`, ...), each also the child of a
/// second parent `urn:q`, so a child has two parents.
async fn seed_family(app: &TestApp, children: usize) {
    let skill = |uri: String, name: String| SkillRow {
        uri,
        framework_uri: None,
        props: SkillProps {
            name: Some(name),
            ..Default::default()
        },
    };
    let mut rows = vec![
        skill("urn:p".into(), "Parent".into()),
        skill("urn:q".into(), "Other parent".into()),
    ];
    rows.extend((0..children).map(|i| skill(format!("urn:c:{i}"), format!("C {i:03}"))));
    writes::upsert_skills(app.graph(), &rows).await.unwrap();
    let edges: Vec<ChildEdges> = (0..children)
        .map(|i| ChildEdges {
            child: format!("urn:c:{i}"),
            parents: vec!["urn:p".into(), "urn:q".into()],
        })
        .collect();
    writes::set_parents(app.graph(), &edges).await.unwrap();
}

async fn uuid_of(app: &TestApp, uri: &str) -> String {
    let q = neo4rs::query("MATCH (s:Skill {uri: $uri}) RETURN s.uuid AS n").param("uri", uri);
    let rows = app.graph().rows_unchecked(q).await.unwrap();
    rows[0].get("n").unwrap()
}

#[tokio::test]
async fn every_child_of_a_skill_with_more_than_a_page_is_reached_by_paging() {
    let app = TestApp::start().await;
    seed_family(&app, 150).await;
    let parent = uuid_of(&app, "urn:p").await;
    let in_db = app
        .count("MATCH (:Skill {uri: 'urn:p'})<-[:CHILD_OF]-(c:Skill) RETURN count(c) AS n")
        .await;
    assert_eq!(in_db, 150);

    let q = "query($u: ID!, $after: String) { skill(uuid: $u) {
        childNodes { name }
        childConnection(first: 40, after: $after) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name } }
        } } }";
    let mut seen: Vec<String> = vec![];
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let data = app.data(q, json!({"u": parent, "after": after})).await;
        let skill = &data["skill"];
        // The plain list is bounded (50 by default) and the connection says how many there are.
        assert_eq!(skill["childNodes"].as_array().unwrap().len(), 50);
        let page = &skill["childConnection"];
        assert_eq!(page["totalCount"], in_db, "{page:#}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], pages > 0);
        for e in page["edges"].as_array().unwrap() {
            seen.push(e["node"]["name"].as_str().unwrap().to_string());
        }
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 4, "150 children in pages of 40");
    let expected: Vec<String> = (0..150).map(|i| format!("C {i:03}")).collect();
    assert_eq!(seen, expected, "every child once, in order");

    // A child's parents, as a connection too.
    let child = uuid_of(&app, "urn:c:7").await;
    let data = app
        .data(
            "query($u: ID!) { skill(uuid: $u) { parentConnection(first: 1) {
                totalCount pageInfo { hasNextPage } nodes { name } } } }",
            json!({"u": child}),
        )
        .await;
    let parents = &data["skill"]["parentConnection"];
    assert_eq!(parents["totalCount"], 2);
    assert_eq!(parents["pageInfo"]["hasNextPage"], true);
    assert_eq!(parents["nodes"], json!([{"name": "Other parent"}]));
}

/// The seed's skill shape (name, description, keywords, framework, parents, children,
/// alignments, occupations).
const SEED_SHAPE: &str = "uuid name description keywords framework { id name }
    parentNodes(first: 100) { uuid name } childNodes(first: 100) { uuid name }
    alignments {
      skillAlignment { source aligned { id uuid name score } suggested { id uuid name score } }
      credentialAlignment { id uri name }
      roleAlignment { onet { id code name } }
    }
    occupations { occupationsMajorGroup { code } occupationsMinorGroup { code }
      broadOccupation { code } detailedOccupation { code name } }";

#[tokio::test]
async fn a_page_of_50_in_the_seed_shape_passes_and_says_what_it_cost() {
    // The caller's cost rate off: two such pages in a row are within it anyway, but this test is
    // about the per-query budget.
    let app = TestApp::start_with(|c| c.limits.rate_cost_per_second = 0).await;
    seed_family(&app, 60).await;
    let body = app
        .gql(
            &format!("{{ skills(limit: 50) {{ {SEED_SHAPE} }} }}"),
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["skills"].as_array().unwrap().len(), 50);
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["limit"], 50_000, "{cost}");
    let requested = cost["requested"].as_u64().unwrap();
    // More than the old limit (5,000) allowed, within the new one.
    assert!((5_000..=50_000).contains(&requested), "{cost}");
    eprintln!("the seed shape for 50 skills costs {requested}");
    // The cost grows with what the query can return: two such pages cost twice as much.
    let twice = app
        .gql(
            &format!("{{ a: skills(limit: 50) {{ {SEED_SHAPE} }} b: skills(limit: 50) {{ {SEED_SHAPE} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        twice["extensions"]["cost"]["requested"],
        2 * requested,
        "{twice:#}"
    );
}

#[tokio::test]
async fn a_refused_query_is_told_its_cost_and_the_limit() {
    let app = TestApp::start().await;
    let q = "{ skills(limit: 100) { childNodes { childNodes { name } } } }";
    let body = app.gql(q, json!({})).await;
    let error = &body["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{body:#}"
    );
    let cost = error["extensions"]["cost"].as_u64().unwrap();
    assert_eq!(error["extensions"]["limit"], 50_000);
    assert!(cost > 50_000, "{body:#}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&cost.to_string()) && message.contains("50000"),
        "{message}"
    );
    assert!(body.get("data").is_none_or(Value::is_null), "{body:#}");
}

#[tokio::test]
async fn a_cursor_holds_its_place_when_children_are_added_before_it() {
    let app = TestApp::start().await;
    seed_family(&app, 10).await;
    let parent = uuid_of(&app, "urn:p").await;
    let q = "query($u: ID!, $after: String) { skill(uuid: $u) {
        childConnection(first: 5, after: $after) { pageInfo { endCursor } nodes { name } } } }";
    let first = app.data(q, json!({"u": parent, "after": null})).await;
    let cursor = first["skill"]["childConnection"]["pageInfo"]["endCursor"].clone();
    // A child that sorts first arrives between the two pages.
    writes::upsert_skills(
        app.graph(),
        &[SkillRow {
            uri: "urn:c:new".into(),
            framework_uri: None,
            props: SkillProps {
                name: Some("A new one".into()),
                ..Default::default()
            },
        }],
    )
    .await
    .unwrap();
    writes::set_parents(
        app.graph(),
        &[ChildEdges {
            child: "urn:c:new".into(),
            parents: vec!["urn:p".into()],
        }],
    )
    .await
    .unwrap();
    let second = app.data(q, json!({"u": parent, "after": cursor})).await;
    let names: BTreeSet<String> = second["skill"]["childConnection"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = (5..10).map(|i| format!("C {i:03}")).collect();
    assert_eq!(names, expected);
}
