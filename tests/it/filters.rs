//! The skill listings' filters and sorts, each checked against the test's own reading of the
//! same data: every skill and what it is linked to, read straight from the database, filtered
//! and sorted here.

use common::TestApp;
use serde_json::{json, Value};
use skillgraph::graph::writes::{
    self, CredentialRow, FrameworkRow, OccupationEdge, SkillEdges, SkillRow,
};
use skillgraph::model::{AlignmentKind, CredentialProps, FrameworkProps, SkillProps};

const SKILLS: usize = 40;
const NAMES: [&str; 5] = [
    "Data analysis",
    "Data literacy",
    "Welding",
    "Statistics",
    "Cooking",
];

/// Skills whose every filtered field varies with `i`, so each filter keeps some and drops some.
async fn seed(app: &TestApp) {
    let frameworks: Vec<FrameworkRow> = ["urn:f1", "urn:f2"]
        .iter()
        .map(|uri| FrameworkRow {
            uri: uri.to_string(),
            props: FrameworkProps {
                name: Some(format!("Framework {uri}")),
                ..Default::default()
            },
        })
        .collect();
    writes::upsert_frameworks(app.graph(), &frameworks)
        .await
        .unwrap();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let rows: Vec<SkillRow> = (0..SKILLS)
        .map(|i| SkillRow {
            uri: format!("urn:s:{i}"),
            framework_uri: match i % 3 {
                0 => Some("urn:f1".into()),
                1 => Some("urn:f2".into()),
                _ => None,
            },
            props: SkillProps {
                name: Some(format!("{} {i:02}", NAMES[i % 5])),
                description: Some(format!("Skill number {i}")),
                source_name: Some(if i % 2 == 0 { "alpha" } else { "beta" }.into()),
                education_levels: match i % 4 {
                    0 => strings(&["Grade 9"]),
                    1 => strings(&["Grade 9", "Bachelor"]),
                    _ => vec![],
                },
                complexity_levels: match i % 5 {
                    0 => strings(&["Advanced"]),
                    1 => strings(&["Basic"]),
                    _ => vec![],
                },
                industries: if i % 6 == 0 {
                    strings(&["5415"])
                } else {
                    vec![]
                },
                keywords: match i % 7 {
                    0 => strings(&["Math", "Logic"]),
                    3 => strings(&["math"]),
                    _ => vec![],
                },
                type_name: match i % 3 {
                    0 => Some("Competency".into()),
                    1 => Some("Knowledge".into()),
                    _ => None,
                },
                // Reversed against the names, so list order is not name order.
                list_order: (i % 8 != 5).then(|| format!("{:010}", SKILLS - i)),
                date_modified: (i % 5 != 4)
                    .then(|| format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 27)),
                ..Default::default()
            },
        })
        .collect();
    writes::upsert_skills(app.graph(), &writes::ImportLog::unrecorded(), &rows)
        .await
        .unwrap();
    let occupations: Vec<SkillEdges<OccupationEdge>> = (0..SKILLS)
        .map(|i| {
            let mut codes = vec![];
            match i % 4 {
                0 => codes.push("15-1252.00"),
                2 => codes.push("15-1211.00"),
                _ => {}
            }
            if i % 9 == 0 {
                codes.push("11-1011.00");
            }
            SkillEdges {
                from: format!("urn:s:{i}"),
                source: "test".into(),
                edges: codes
                    .into_iter()
                    .map(|code| OccupationEdge {
                        code: code.into(),
                        name: None,
                        framework: None,
                        kind: AlignmentKind::Aligned,
                        score: None,
                    })
                    .collect(),
            }
        })
        .collect();
    writes::set_occupations(app.graph(), &occupations)
        .await
        .unwrap();
    let credential = CredentialRow {
        uri: "urn:cred1".into(),
        props: CredentialProps {
            name: Some("Credential one".into()),
            ..Default::default()
        },
    };
    let required: Vec<String> = (0..SKILLS)
        .filter(|i| i % 5 == 2)
        .map(|i| format!("urn:s:{i}"))
        .collect();
    writes::set_credential_requirements(app.graph(), &credential, "test", &required, &[])
        .await
        .unwrap();
}

/// A skill as the test reads it from the database.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    uuid: String,
    source: String,
    frameworks: Vec<String>,
    codes: Vec<String>,
    credentials: Vec<String>,
    levels: Vec<String>,
    complexity: Vec<String>,
    industries: Vec<String>,
    keywords: Vec<String>,
    type_name: Option<String>,
    list_order: Option<String>,
    date_modified: Option<String>,
}

async fn rows(app: &TestApp) -> Vec<Row> {
    let q = "MATCH (s:Skill) WHERE s.name IS NOT NULL
        OPTIONAL MATCH (s)-[:PART_OF]->(f:Framework)
        WITH s, collect(DISTINCT f.uri) AS fws
        OPTIONAL MATCH (s)-[:HAS_OCCUPATION]->(o:Occupation)
        WITH s, fws, collect(DISTINCT o.code) AS codes
        OPTIONAL MATCH (s)-[:ALIGNED_WITH_CREDENTIAL]->(c:Credential)
        RETURN s.name AS name, s.uuid AS uuid, s.source_name AS source, fws, codes,
               collect(DISTINCT c.uri) AS creds,
               coalesce(s.education_levels, []) AS levels,
               coalesce(s.complexity_levels, []) AS complexity,
               coalesce(s.industries, []) AS industries,
               coalesce(s.keywords, []) AS keywords,
               s.type_name AS type_name, s.list_order AS list_order,
               s.date_modified AS date_modified";
    let found = app.graph().rows_unchecked(neo4rs::query(q)).await.unwrap();
    found
        .iter()
        .map(|r| Row {
            name: r.get("name").unwrap(),
            uuid: r.get("uuid").unwrap(),
            source: r.get("source").unwrap(),
            frameworks: r.get("fws").unwrap(),
            codes: r.get("codes").unwrap(),
            credentials: r.get("creds").unwrap(),
            levels: r.get("levels").unwrap(),
            complexity: r.get("complexity").unwrap(),
            industries: r.get("industries").unwrap(),
            keywords: r.get("keywords").unwrap(),
            type_name: r.get("type_name").unwrap(),
            list_order: r.get("list_order").unwrap(),
            date_modified: r.get("date_modified").unwrap(),
        })
        .collect()
}

type Keep = Box<dyn Fn(&Row) -> bool>;

/// Aligned to a code in the SOC group `group` names, read digit by digit here.
fn in_group(codes: &[String], group: &str) -> bool {
    let base = |c: &str| c.split('.').next().unwrap_or_default().to_string();
    let group = base(group);
    codes.iter().any(|c| {
        let c = base(c);
        match group.as_str() {
            g if g.ends_with("-0000") => c[..3] == g[..3],
            g if g.ends_with("00") => c[..5] == g[..5],
            g if g.ends_with('0') => c[..6] == g[..6],
            g => c == g,
        }
    })
}

fn has(list: &[String], v: &str) -> bool {
    list.iter().any(|x| x == v)
}

/// Every page of `skillConnection` for a filter and sort, `first` at a time: (totalCount,
/// names in order).
async fn listing(app: &TestApp, filter: &Value, sort: &str) -> (i64, Vec<String>) {
    let q = "query($f: SkillFilterInput, $s: SkillSort!, $after: String) {
        skillConnection(first: 7, after: $after, filter: $f, sort: $s) {
          totalCount pageInfo { hasNextPage endCursor } nodes { name } } }";
    let (mut names, mut after, mut pages) = (vec![], Value::Null, 0);
    loop {
        let data = app
            .data(q, json!({"f": filter, "s": sort, "after": after}))
            .await;
        let page = &data["skillConnection"];
        for n in page["nodes"].as_array().unwrap() {
            names.push(n["name"].as_str().unwrap().to_string());
        }
        pages += 1;
        assert!(pages < 20, "paging does not end for {filter}");
        if page["pageInfo"]["hasNextPage"] == false {
            return (page["totalCount"].as_i64().unwrap(), names);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn each_filter_keeps_the_skills_the_test_computes() {
    let app = TestApp::start().await;
    seed(&app).await;
    let all = rows(&app).await;
    assert_eq!(all.len(), SKILLS);
    let filters: Vec<(Value, Keep)> = vec![
        (
            json!({"occupation": "15-0000"}),
            Box::new(|r: &Row| in_group(&r.codes, "15-0000")),
        ),
        (
            json!({"occupation": "15-1200"}),
            Box::new(|r: &Row| in_group(&r.codes, "15-1200")),
        ),
        (
            json!({"occupation": "15-1250"}),
            Box::new(|r: &Row| in_group(&r.codes, "15-1250")),
        ),
        (
            json!({"occupation": "15-1252"}),
            Box::new(|r: &Row| in_group(&r.codes, "15-1252")),
        ),
        (
            json!({"occupation": "15-1211.00"}),
            Box::new(|r: &Row| in_group(&r.codes, "15-1211")),
        ),
        (
            json!({"credential": "urn:cred1"}),
            Box::new(|r: &Row| has(&r.credentials, "urn:cred1")),
        ),
        (
            json!({"educationLevel": "Grade 9"}),
            Box::new(|r: &Row| has(&r.levels, "Grade 9")),
        ),
        (
            json!({"complexityLevel": "Advanced"}),
            Box::new(|r: &Row| has(&r.complexity, "Advanced")),
        ),
        (
            json!({"industry": "5415"}),
            Box::new(|r: &Row| has(&r.industries, "5415")),
        ),
        (
            json!({"keyword": "MATH"}),
            Box::new(|r: &Row| r.keywords.iter().any(|k| k.to_lowercase() == "math")),
        ),
        (
            json!({"type": "Knowledge"}),
            Box::new(|r: &Row| r.type_name.as_deref() == Some("Knowledge")),
        ),
        (
            json!({"framework": "urn:f1", "source": "alpha"}),
            Box::new(|r: &Row| has(&r.frameworks, "urn:f1") && r.source == "alpha"),
        ),
        (
            json!({"OR": [{"educationLevel": "Bachelor"}, {"keyword": "logic"}]}),
            Box::new(|r: &Row| {
                has(&r.levels, "Bachelor") || r.keywords.iter().any(|k| k.to_lowercase() == "logic")
            }),
        ),
        (
            json!({"NOT": {"source": "alpha"}}),
            Box::new(|r: &Row| r.source != "alpha"),
        ),
        (
            json!({"framework": "urn:f1", "OR": [{"type": "Competency"}, {"NOT": {"occupation": "15-0000"}}]}),
            Box::new(|r: &Row| {
                has(&r.frameworks, "urn:f1")
                    && (r.type_name.as_deref() == Some("Competency")
                        || !in_group(&r.codes, "15-0000"))
            }),
        ),
        (
            json!({"text": "data", "NOT": {"framework": "urn:f2"}}),
            Box::new(|r: &Row| r.name.starts_with("Data") && !has(&r.frameworks, "urn:f2")),
        ),
        (
            json!({"AND": [{"source": "beta"}, {"occupation": "15-1211"}]}),
            Box::new(|r: &Row| r.source == "beta" && in_group(&r.codes, "15-1211")),
        ),
        (
            json!({"credential": "urn:cred1", "educationLevel": "Grade 9"}),
            Box::new(|r: &Row| has(&r.credentials, "urn:cred1") && has(&r.levels, "Grade 9")),
        ),
        (
            json!({"occupation": "15-1200", "NOT": {"keyword": "math"}}),
            Box::new(|r: &Row| {
                in_group(&r.codes, "15-1200")
                    && !r.keywords.iter().any(|k| k.to_lowercase() == "math")
            }),
        ),
        (json!({"OR": []}), Box::new(|_: &Row| false)),
    ];
    for (filter, keep) in filters {
        let mut expected: Vec<&Row> = all.iter().filter(|r| keep(r)).collect();
        expected.sort_by(|a, b| (&a.name, &a.uuid).cmp(&(&b.name, &b.uuid)));
        let expected: Vec<String> = expected.iter().map(|r| r.name.clone()).collect();
        assert!(
            expected.len() < SKILLS,
            "{filter} keeps every skill: it tells nothing"
        );
        let (total, names) = listing(&app, &filter, "NAME").await;
        assert_eq!(names, expected, "{filter}");
        assert_eq!(total, expected.len() as i64, "{filter}");
    }
}

#[tokio::test]
async fn sorts_follow_list_order_and_date_modified_across_pages() {
    let app = TestApp::start().await;
    seed(&app).await;
    let all = rows(&app).await;

    // List order within a framework: unlisted skills last.
    let mut in_f1: Vec<&Row> = all
        .iter()
        .filter(|r| has(&r.frameworks, "urn:f1"))
        .collect();
    in_f1.sort_by_key(|r| {
        (
            r.list_order.clone().unwrap_or_else(|| "~".into()),
            r.uuid.clone(),
        )
    });
    let expected: Vec<String> = in_f1.iter().map(|r| r.name.clone()).collect();
    assert!(
        in_f1.iter().any(|r| r.list_order.is_none()),
        "an unlisted skill"
    );
    let (total, names) = listing(&app, &json!({"framework": "urn:f1"}), "LIST_ORDER").await;
    assert_eq!(names, expected);
    assert_eq!(total, expected.len() as i64);
    let by_name = listing(&app, &json!({"framework": "urn:f1"}), "NAME")
        .await
        .1;
    assert_ne!(names, by_name, "the list order is not the name order");

    // Date modified, newest first, undated last; ties by uuid, descending.
    let mut alpha: Vec<&Row> = all.iter().filter(|r| r.source == "alpha").collect();
    alpha.sort_by_key(|r| (r.date_modified.clone().unwrap_or_default(), r.uuid.clone()));
    alpha.reverse();
    let expected: Vec<String> = alpha.iter().map(|r| r.name.clone()).collect();
    assert!(alpha.iter().any(|r| r.date_modified.is_none()));
    let (total, names) = listing(&app, &json!({"source": "alpha"}), "DATE_MODIFIED").await;
    assert_eq!(names, expected);
    assert_eq!(total, expected.len() as i64);

    // The offset listing sorts the same way.
    let data = app
        .data(
            "{ skills(limit: 100, filter: {source: \"alpha\"}, sort: DATE_MODIFIED) { name } }",
            json!({}),
        )
        .await;
    let offset: Vec<String> = (data["skills"].as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(offset, expected);
}

#[tokio::test]
async fn search_and_facets_take_the_same_filter() {
    let app = TestApp::start().await;
    seed(&app).await;
    let all = rows(&app).await;

    let data = app
        .data(
            "{ search(text: \"data\", first: 50, filter: {source: \"beta\", NOT: {occupation: \"15-0000\"}}) {
                totalCount nodes { skill { name } } } }",
            json!({}),
        )
        .await;
    let mut expected: Vec<String> = all
        .iter()
        .filter(|r| {
            r.name.starts_with("Data") && r.source == "beta" && !in_group(&r.codes, "15-0000")
        })
        .map(|r| r.name.clone())
        .collect();
    expected.sort();
    let mut found: Vec<String> = (data["search"]["nodes"].as_array().unwrap().iter())
        .map(|h| h["skill"]["name"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
    assert_eq!(data["search"]["totalCount"], expected.len());

    let data = app
        .data(
            "{ skillFacets(filter: {OR: [{type: \"Knowledge\"}, {industry: \"5415\"}]}) {
                educationLevels { value count } } }",
            json!({}),
        )
        .await;
    let kept = all
        .iter()
        .filter(|r| r.type_name.as_deref() == Some("Knowledge") || has(&r.industries, "5415"));
    let mut counts = std::collections::BTreeMap::<String, i64>::new();
    for r in kept {
        for l in &r.levels {
            *counts.entry(l.clone()).or_default() += 1;
        }
    }
    let facets: std::collections::BTreeMap<String, i64> = (data["skillFacets"]["educationLevels"]
        .as_array()
        .unwrap()
        .iter())
    .map(|v| {
        (
            v["value"].as_str().unwrap().to_string(),
            v["count"].as_i64().unwrap(),
        )
    })
    .collect();
    assert_eq!(facets, counts);
}

#[tokio::test]
async fn filters_that_cannot_be_one_indexable_statement_are_refused_with_the_reason() {
    let app = TestApp::start().await;
    let refused = |filter: Value, sort: &'static str| {
        let app = &app;
        async move {
            let q = "query($f: SkillFilterInput, $s: SkillSort!) { skillConnection(filter: $f, sort: $s) { totalCount } }";
            let body = app.gql(q, json!({"f": filter, "s": sort})).await;
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body:#}");
            error["message"].as_str().unwrap().to_string()
        }
    };
    let message = refused(json!({"OR": [{"text": "data"}, {"source": "a"}]}), "NAME").await;
    assert!(message.contains("top level"), "{message}");
    let message = refused(json!({"source": "a"}), "LIST_ORDER").await;
    assert!(message.contains("framework"), "{message}");
    // 21 conditions: one over the bound; 20 pass.
    let many = |n: usize| json!({"OR": (0..n).map(|i| json!({"keyword": format!("k{i}")})).collect::<Vec<_>>()});
    let message = refused(many(21), "NAME").await;
    assert!(message.contains("at most 20"), "{message}");
    let ok = app
        .gql(
            "query($f: SkillFilterInput) { skillConnection(filter: $f) { totalCount } }",
            json!({"f": many(20)}),
        )
        .await;
    assert!(ok.get("errors").is_none(), "{ok:#}");
    // NOT nested five deep: one over the bound; four pass.
    let nested = |n: usize| (0..n).fold(json!({"source": "a"}), |f, _| json!({"NOT": f}));
    let message = refused(nested(5), "NAME").await;
    assert!(message.contains("at most 4 deep"), "{message}");
    let ok = app
        .gql(
            "query($f: SkillFilterInput) { skillConnection(filter: $f) { totalCount } }",
            json!({"f": nested(4)}),
        )
        .await;
    assert!(ok.get("errors").is_none(), "{ok:#}");
}
