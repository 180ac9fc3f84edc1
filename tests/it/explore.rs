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
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    let edges: Vec<ChildEdges> = (0..children)
        .map(|i| ChildEdges {
            child: format!("urn:c:{i}"),
            parents: vec!["urn:p".into(), "urn:q".into()],
        })
        .collect();
    writes::set_parents(app.graph(), &writes::ImportLog::unrecorded(), &edges)
        .await
        .unwrap();
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
        &writes::ImportLog::unrecorded(),
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
        &writes::ImportLog::unrecorded(),
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

/// A hierarchy with a branch and a cycle (child, parent): r > a > b > c > d > e > f, a > x > y,
/// and r also a child of f.
const TREE: [(&str, &str); 9] = [
    ("a", "r"),
    ("b", "a"),
    ("c", "b"),
    ("d", "c"),
    ("e", "d"),
    ("f", "e"),
    ("x", "a"),
    ("y", "x"),
    ("r", "f"),
];

async fn seed_tree(app: &TestApp) {
    let names = ["r", "a", "b", "c", "d", "e", "f", "x", "y"];
    let (tree, closing) = TREE.split_at(TREE.len() - 1);
    let links: Vec<(&str, Vec<&str>)> = tree.iter().map(|(c, p)| (*c, vec![*p])).collect();
    seed_hierarchy(app, "t", &names, &links).await;
    // Imports and curation refuse the link that closes the cycle; a graph written before they
    // did may hold one, and reads must stay bounded on it.
    let (child, parent) = closing[0];
    let q =
        neo4rs::query("MATCH (c:Skill {uri: $c}), (p:Skill {uri: $p}) MERGE (c)-[:CHILD_OF]->(p)")
            .param("c", format!("urn:t:{child}"))
            .param("p", format!("urn:t:{parent}"));
    app.graph().rows_unchecked(q).await.unwrap();
}

/// Skills `urn:<prefix>:<name>`, named in capitals, and each child's parents (child, parents).
async fn seed_hierarchy(app: &TestApp, prefix: &str, names: &[&str], links: &[(&str, Vec<&str>)]) {
    let uri = |n: &str| format!("urn:{prefix}:{n}");
    let rows: Vec<SkillRow> = (names.iter())
        .map(|n| SkillRow {
            uri: uri(n),
            framework_uri: None,
            props: SkillProps {
                name: Some(n.to_uppercase()),
                ..Default::default()
            },
        })
        .collect();
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    let edges: Vec<ChildEdges> = (links.iter())
        .map(|(child, parents)| ChildEdges {
            child: uri(child),
            parents: parents.iter().map(|p| uri(p)).collect(),
        })
        .collect();
    writes::set_parents(app.graph(), &writes::ImportLog::unrecorded(), &edges)
        .await
        .unwrap();
}

/// Breadth-first over `TREE`, independently of the service: each node reached from `from`
/// within `max` steps (up: child to parent; down: parent to child), at its nearest depth.
fn reach(from: &str, up: bool, max: i64) -> Vec<(i64, String)> {
    let mut depth_of = std::collections::BTreeMap::new();
    let mut frontier = vec![from.to_string()];
    for depth in 1..=max {
        let mut next = vec![];
        for n in &frontier {
            for (child, parent) in TREE {
                let (at, to) = if up { (child, parent) } else { (parent, child) };
                if at == n && to != from && !depth_of.contains_key(to) {
                    depth_of.insert(to.to_string(), depth);
                    next.push(to.to_string());
                }
            }
        }
        frontier = next;
    }
    let mut found: Vec<(i64, String)> = depth_of
        .into_iter()
        .map(|(n, d)| (d, n.to_uppercase()))
        .collect();
    found.sort();
    found
}

fn depth_names(list: &Value) -> Vec<(i64, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let name = t["skill"]["name"].as_str().unwrap().to_string();
            (t["depth"].as_i64().unwrap(), name)
        })
        .collect()
}

#[tokio::test]
async fn ancestors_and_descendants_follow_the_hierarchy_and_stop_at_a_cycle() {
    let app = TestApp::start().await;
    seed_tree(&app).await;
    let c = uuid_of(&app, "urn:t:c").await;
    let a = uuid_of(&app, "urn:t:a").await;
    let q = "query($u: ID!, $d: Int!) { skill(uuid: $u) { ancestors(maxDepth: $d) { depth skill { name } } } }";
    for depth in [1, 3, 5] {
        let data = app.data(q, json!({"u": c, "d": depth})).await;
        let got = depth_names(&data["skill"]["ancestors"]);
        assert_eq!(
            got,
            reach("c", true, depth),
            "ancestors of C within {depth}"
        );
    }
    // Up from C the cycle leads back down (R is F's child): F and E are C's ancestors too, and
    // C never its own.
    let five = app.data(q, json!({"u": c, "d": 5})).await;
    assert_eq!(
        depth_names(&five["skill"]["ancestors"]),
        [(1, "B"), (2, "A"), (3, "R"), (4, "F"), (5, "E")].map(|(d, n)| (d, n.to_string()))
    );

    // Descendants, paged two at a time, equal the independent walk.
    let q = "query($u: ID!, $d: Int!, $after: String) { skill(uuid: $u) {
        descendants(maxDepth: $d, first: 2, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { depth skill { name } } } } }";
    for depth in [1, 2, 5] {
        let expected = reach("a", false, depth);
        let (mut got, mut after) = (vec![], Value::Null);
        loop {
            let data = app
                .data(q, json!({"u": a, "d": depth, "after": after}))
                .await;
            let page = &data["skill"]["descendants"];
            assert_eq!(page["totalCount"], expected.len(), "{page:#}");
            got.extend(depth_names(&page["nodes"]));
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(got, expected, "descendants of A within {depth}");
    }

    // Out of range depths are the caller's to fix.
    let body = app
        .gql(
            "query($u: ID!) { skill(uuid: $u) { ancestors(maxDepth: 6) { depth } } }",
            json!({"u": c}),
        )
        .await;
    assert_eq!(common::error_code(&body), "BAD_USER_INPUT", "{body:#}");
}

#[tokio::test]
async fn a_breadcrumb_takes_the_shortest_way_to_a_root_and_stops_in_a_cycle() {
    let app = TestApp::start().await;
    // Two skills with several parents: LEAF can go up through MIDDLE or ZED (two levels each)
    // or straight to TOP (a root); LEAF2 only through MIDDLE or ZED.
    let names = ["alpha", "beta", "middle", "zed", "top", "leaf", "leaf2"];
    let links = [
        ("middle", vec!["alpha"]),
        ("zed", vec!["beta"]),
        ("leaf", vec!["middle", "zed", "top"]),
        ("leaf2", vec!["zed", "middle"]),
    ];
    seed_hierarchy(&app, "b", &names, &links).await;
    let q = "query($u: ID!) { skill(uuid: $u) { breadcrumb { name } } }";
    let crumbs = |uri: &'static str| {
        let app = &app;
        async move {
            let u = uuid_of(app, uri).await;
            let data = app.data(q, json!({ "u": u })).await;
            (data["skill"]["breadcrumb"].as_array().unwrap().iter())
                .map(|s| s["name"].as_str().unwrap().to_string())
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(crumbs("urn:b:leaf").await, ["TOP"]);
    assert_eq!(crumbs("urn:b:leaf2").await, ["ALPHA", "MIDDLE"]);
    assert!(crumbs("urn:b:alpha").await.is_empty());

    // In the cyclic TREE the way up from C is a chain: the breadcrumb is its ancestors, root
    // first, read five levels up, and the walk does not go round.
    seed_tree(&app).await;
    let mut expected: Vec<String> = reach("c", true, 5).into_iter().map(|(_, n)| n).collect();
    expected.reverse();
    assert_eq!(crumbs("urn:t:c").await, expected);
}

#[tokio::test]
async fn trees_of_a_page_of_skills_cost_one_statement_per_level() {
    // No background statements (claim polls, generation reads) inside the counted window.
    let app = TestApp::start_with(|c| {
        c.jobs.poll_ms = 600_000;
        c.cache.refresh_ms = 600_000;
    })
    .await;
    seed_tree(&app).await;
    // A first read, so the read cache's generation is known before the counted window.
    app.data("{ skills(limit: 1) { name } }", json!({})).await;
    let before = app.statements_sent().await;
    let data = app
        .data(
            "{ skills(limit: 9) { name ancestors(maxDepth: 2) { depth } descendants(maxDepth: 2) { totalCount } breadcrumb { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["skills"].as_array().unwrap().len(), 9);
    let sent = app.statements_sent().await - before;
    // The page, then one statement for every skill's ancestors, one for their descendants and
    // one for their breadcrumbs.
    assert_eq!(sent, 4, "statements for 9 skills' trees");
}

/// Names of the skills `cypher` returns (column `n`), straight from the database.
async fn names_in_db(app: &TestApp, cypher: neo4rs::Query) -> Vec<String> {
    let rows = app.graph().rows_unchecked(cypher).await.unwrap();
    let mut names: Vec<String> = rows.iter().map(|r| r.get("n").unwrap()).collect();
    names.sort();
    names
}

/// Every page of a lookup's `skills`, two at a time: (totalCount, names in order).
async fn all_skills(app: &TestApp, root: &str, args: &str, vars: Value) -> (i64, Vec<String>) {
    let (mut names, mut after) = (vec![], Value::Null);
    loop {
        let q = format!(
            "query($v: String!, $after: String) {{ {root}({args}) {{ skills(first: 2, after: $after) {{
                totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ name }} }} }} }}"
        );
        let mut v = vars.clone();
        v["after"] = after;
        let data = app.data(&q, v).await;
        let page = &data[root]["skills"];
        let total = page["totalCount"].as_i64().unwrap();
        names.extend(
            (page["nodes"].as_array().unwrap().iter())
                .map(|n| n["name"].as_str().unwrap().to_string()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            return (total, names);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn frameworks_occupations_and_credentials_lead_back_to_their_skills() {
    let (_, reg) = common::ce_server::start(0).await;
    let app =
        TestApp::start_with(|c| c.ingest.ce_allowed_hosts = common::ce_server::allowed()).await;
    // A credential whose requirements bring two frameworks; A brings an O*NET occupation.
    let cred = reg.uri("/resources/ce-cred-secops");
    let uris = [cred.clone(), reg.uri("/resources/ce-fw-a")];
    let started = app.data(common::IMPORT, json!({"u": uris})).await;
    let name = started["importCredentialEngine"]["name"].as_str().unwrap();
    let end = app.job_when_finished(name, "status").await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");

    // A credential: its aligned skills, each once, by name.
    let expected = names_in_db(
        &app,
        neo4rs::query(
            "MATCH (:Credential {uri: $u})<-[:ALIGNED_WITH_CREDENTIAL]-(s:Skill) RETURN DISTINCT s.name AS n",
        )
        .param("u", cred.as_str()),
    )
    .await;
    assert!(expected.len() >= 3, "{expected:?}");
    let (total, names) = all_skills(&app, "credential", "uri: $v", json!({"v": cred})).await;
    assert_eq!((total, names), (expected.len() as i64, expected));

    // A framework, by URI: its skills.
    let fw = reg.uri("/resources/ce-fw-a");
    let expected = names_in_db(
        &app,
        neo4rs::query(
            "MATCH (f:Framework {uri: $u})<-[:PART_OF]-(s:Skill) WHERE s.name IS NOT NULL RETURN s.name AS n",
        )
        .param("u", fw.as_str()),
    )
    .await;
    let (total, names) = all_skills(&app, "framework", "id: $v", json!({"v": fw})).await;
    assert_eq!((total, names), (expected.len() as i64, expected));

    // An occupation at every SOC level: the skills aligned to a code at or below it, by the
    // test's own reading of the codes.
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill)-[:HAS_OCCUPATION]->(o:Occupation) RETURN s.name AS n, o.code AS code",
        ))
        .await
        .unwrap();
    let aligned: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.get("n").unwrap(), r.get("code").unwrap()))
        .collect();
    assert!(!aligned.is_empty());
    let within = |group: &str| -> Vec<String> {
        let mut names: Vec<String> = aligned
            .iter()
            .filter(|(_, code)| match group {
                "15-0000" => code.starts_with("15-"),
                "15-1200" => code.starts_with("15-12"),
                "15-1210" => code.starts_with("15-121"),
                "15-1250" => code.starts_with("15-125"),
                g => code.split('.').next() == Some(g),
            })
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    for group in [
        "15-0000", "15-1200", "15-1210", "15-1212", "15-1250", "11-0000",
    ] {
        let (total, names) = all_skills(&app, "occupation", "code: $v", json!({"v": group})).await;
        let expected = within(group);
        assert_eq!(
            (total, &names),
            (expected.len() as i64, &expected),
            "{group}"
        );
    }
    assert!(!within("15-1200").is_empty() && within("15-1250").is_empty());

    // Unknown ones are null, not errors.
    let none = app
        .data(
            "{ framework(id: \"nope\") { framework { name } } credential(uri: \"urn:nope\") { credential { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(none, json!({"framework": null, "credential": null}));
}

#[tokio::test]
async fn search_ranks_an_exact_name_first_and_says_which_field_matched() {
    let app = TestApp::start().await;
    let skill = |name: &str, description: &str| SkillRow {
        uri: format!("urn:s:{name}"),
        framework_uri: None,
        props: SkillProps {
            name: Some(name.into()),
            description: Some(description.into()),
            ..Default::default()
        },
    };
    let rows = [
        skill("Data literacy", "Reading data"),
        skill("Statistics", "Working with data sets"),
        skill("Metadata", "About other things"),
        skill("Cooking", "Food"),
        skill("Data", "Facts and figures"),
        skill("C++", "Systems programming"),
    ];
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    // The engines' matching, computed here: Neo4j matches word prefixes, ArcadeDB substrings.
    let neo4j = common::engine() == common::Engine::Neo4j;
    let mut expected: Vec<&str> = vec!["Data", "Data literacy", "Statistics"];
    if !neo4j {
        expected.push("Metadata");
    }

    let q = "query($after: String) { search(text: \"data\", first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { score matched skill { name } } } }";
    let (mut hits, mut after) = (vec![], Value::Null);
    loop {
        let data = app.data(q, json!({"after": after})).await;
        let page = &data["search"];
        assert_eq!(page["totalCount"], expected.len(), "{page:#}");
        hits.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let names: Vec<&str> = hits
        .iter()
        .map(|h| h["skill"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "Data", "the exact name first: {hits:#?}");
    let mut sorted = names.clone();
    sorted.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(sorted, want, "every match once");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores[0] > scores[1], "{scores:?}");
    let matched = |name: &str| {
        hits.iter()
            .find(|h| h["skill"]["name"] == name)
            .map(|h| h["matched"].clone())
            .unwrap()
    };
    assert_eq!(matched("Statistics"), json!(["DESCRIPTION"]));
    assert_eq!(matched("Data literacy"), json!(["NAME", "DESCRIPTION"]));

    // A text with no word to look up in the full-text index is matched as a substring, as the
    // text filter matches it: the hits and their count agree.
    let plus = app
        .data(
            "{ search(text: \"++\") { totalCount nodes { skill { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(plus["search"]["totalCount"], 1, "{plus:#}");
    assert_eq!(
        plus["search"]["nodes"][0]["skill"]["name"], "C++",
        "{plus:#}"
    );
}

/// Every named skill as the test reads it straight from the database: (name, source, framework
/// uuids, occupation codes, education levels).
type Row = (
    String,
    Option<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
);

async fn skills_in_db(app: &TestApp) -> Vec<Row> {
    let rows = app
        .graph()
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill) WHERE s.name IS NOT NULL
             OPTIONAL MATCH (s)-[:PART_OF]->(f:Framework)
             WITH s, collect(DISTINCT f.uuid) AS fws
             OPTIONAL MATCH (s)-[:HAS_OCCUPATION]->(o:Occupation)
             RETURN s.name AS name, s.source_name AS source, fws,
                    collect(DISTINCT o.code) AS codes, coalesce(s.education_levels, []) AS levels",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.get("name").unwrap(),
                r.get("source").unwrap(),
                r.get("fws").unwrap(),
                r.get("codes").unwrap(),
                r.get("levels").unwrap(),
            )
        })
        .collect()
}

/// Which rows a filter keeps, computed by the test.
type Keep<'a> = Box<dyn Fn(&Row) -> bool + 'a>;

/// Counts per value, most first then by value, as the facets order them.
fn tally(values: impl IntoIterator<Item = String>) -> Vec<(String, i64)> {
    let mut counts = std::collections::BTreeMap::<String, i64>::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut out: Vec<(String, i64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

fn facet(list: &Value) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect();
    // Frameworks tie-break by name in the service; compare as sets of equal counts.
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[tokio::test]
async fn facets_equal_counting_by_hand_for_each_filter() {
    let (_, reg) = common::ce_server::start(0).await;
    let app =
        TestApp::start_with(|c| c.ingest.ce_allowed_hosts = common::ce_server::allowed()).await;
    let uris = [
        reg.uri("/resources/ce-fw-a"),
        reg.uri("/resources/ce-fw-b"),
        reg.uri("/resources/ce-fw-blueprint"),
    ];
    let started = app.data(common::IMPORT, json!({"u": uris})).await;
    let name = started["importCredentialEngine"]["name"].as_str().unwrap();
    let end = app.job_when_finished(name, "status").await;
    assert_eq!(end["status"], "SUCCEEDED", "{end:#}");
    let all = skills_in_db(&app).await;
    let blueprint = all
        .iter()
        .find(|r| !r.4.is_empty())
        .map(|r| r.2[0].clone())
        .expect("the blueprint gives education levels");

    let q = "query($f: SkillFilterInput) { skillFacets(filter: $f) {
        frameworks { value label count } sources { value count }
        occupationMajorGroups { value count } educationLevels { value count } } }";
    let filters: [(Value, Keep<'_>); 3] = [
        (json!(null), Box::new(|_| true)),
        (
            json!({"framework": blueprint}),
            Box::new(|r: &Row| r.2.contains(&blueprint)),
        ),
        (
            json!({"source": "credential_engine"}),
            Box::new(|r: &Row| r.1.as_deref() == Some("credential_engine")),
        ),
    ];
    for (filter, keep) in filters {
        let data = app.data(q, json!({"f": filter})).await;
        let f = &data["skillFacets"];
        let kept: Vec<&Row> = all.iter().filter(|r| keep(r)).collect();
        assert_eq!(
            facet(&f["frameworks"]),
            tally(kept.iter().flat_map(|r| r.2.clone())),
            "frameworks for {filter}"
        );
        assert_eq!(
            facet(&f["sources"]),
            tally(kept.iter().filter_map(|r| r.1.clone())),
            "sources for {filter}"
        );
        let majors = kept.iter().flat_map(|r| {
            let mut groups: Vec<String> = (r.3.iter())
                .filter(|c| c.as_bytes().get(2) == Some(&b'-'))
                .map(|c| format!("{}-0000", &c[..2]))
                .collect();
            groups.dedup();
            groups
        });
        assert_eq!(
            facet(&f["occupationMajorGroups"]),
            tally(majors),
            "groups for {filter}"
        );
        assert_eq!(
            facet(&f["educationLevels"]),
            tally(kept.iter().flat_map(|r| r.4.clone())),
            "levels for {filter}"
        );
    }
    let total: i64 = facet(&app.data(q, json!({"f": null})).await["skillFacets"]["frameworks"])
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert!(total > 0);
}
