//! The plans the database gives the listing statements, seen rather than reasoned.
//!
//! On Neo4j (`PROFILE` through the launcher's admin API): a skill, event or job page seeks its
//! two-column index in index order, nothing sorts the matches, and a page 100,000 entries deep
//! costs (db hits) what the first page does; text filters go through the full-text procedure;
//! the job claim finds queued jobs through the status index. On ArcadeDB (its `EXPLAIN`): the
//! same pages are read from the same indexes in order, with no `OrderByStep`.
//! A statement whose `ORDER BY` moved back into a `WITH` (ArcadeDB), or whose index is gone
//! (Neo4j), fails here. One write is held to its plan too: setting parents, which Neo4j once
//! planned as a scan of every skill per row. The batch reads behind nested fields, planned on
//! an empty store and run on 10,000 skills, seek each key once.

use common::Engine;
use serde_json::{json, Value};
use skillgraph::graph::cypher::{JOBS_PAGE, JOB_CLAIM, JOB_CLAIMABLE, SKILL_EVENTS_PAGE};
use skillgraph::graph::listing::TextSearch;
use skillgraph::graph::skill_filter::{Condition, Field, SkillFilter, Sort, Tail};

/// A statement to look at: its name and text.
struct Statement {
    name: &'static str,
    text: String,
}

impl From<&skillgraph::graph::cypher::Statement> for Statement {
    fn from(s: &skillgraph::graph::cypher::Statement) -> Self {
        Statement {
            name: s.name,
            text: s.text.to_string(),
        }
    }
}

/// The skill listing statement of `filter` ending in `tail`, as the service composes it.
fn skills(filter: &SkillFilter, search: TextSearch, tail: Tail) -> Statement {
    let bound = filter.compose(search, tail);
    let (name, text) = bound.statement();
    Statement {
        name,
        text: text.to_string(),
    }
}

fn skills_page() -> Statement {
    skills(
        &SkillFilter::default(),
        TextSearch::FullText,
        Tail::Page(Sort::Name),
    )
}

/// Entries of each listing; the deep page starts this far in.
const DEEP: i64 = 100_000;

/// The three keyset listings: statement, its two key parameters, the index (as Neo4j's plan
/// names it: label and properties).
fn listings() -> [(Statement, &'static str, &'static str, &'static str); 3] {
    [
        (
            skills_page(),
            "after_key",
            "after_uuid",
            ":Skill(name, uuid)",
        ),
        (
            (&SKILL_EVENTS_PAGE).into(),
            "after_time",
            "after_id",
            ":SkillEvent(timestamp, external_id)",
        ),
        (
            (&JOBS_PAGE).into(),
            "after_time",
            "after_name",
            ":Job(created_time, name)",
        ),
    ]
}

/// The sort key of entry `i` of each listing, as the seeding statement writes it.
fn key(statement: &Statement, i: i64) -> (String, String) {
    if statement.name == "SKILLS" {
        (format!("skill {i:07}"), format!("u{i:07}"))
    } else {
        // Newest first: entry i counted from the newest.
        let t = 9_000_000 - i;
        (format!("2025-01-01T00:00:00.{t:07}Z"), format!("k{t:07}"))
    }
}

/// Seeds `DEEP` + 100 skills, events and jobs with the keys `key` names.
async fn seed(graph: &skillgraph::graph::Graph) {
    let n = DEEP + 100;
    for cypher in [
        "UNWIND range($from, $to) AS i CREATE (:Skill {name: 'skill ' + right('000000' + toString(i), 7), uuid: 'u' + right('000000' + toString(i), 7)})",
        "UNWIND range($from, $to) AS i WITH 9000000 - i AS t CREATE (:SkillEvent {timestamp: '2025-01-01T00:00:00.' + toString(t) + 'Z', external_id: 'k' + toString(t)})",
        "UNWIND range($from, $to) AS i WITH 9000000 - i AS t CREATE (:Job {created_time: '2025-01-01T00:00:00.' + toString(t) + 'Z', name: 'k' + toString(t), status: 'succeeded'})",
    ] {
        // In pieces, each well inside the statement deadline on a busy machine.
        for from in (0..n).step_by(10_000) {
            let q = neo4rs::query(cypher)
                .param("from", from)
                .param("to", (from + 10_000).min(n) - 1);
            graph.rows_unchecked(q).await.unwrap();
        }
    }
    // Plans as a running database makes them: Neo4j samples an index's statistics again once
    // enough of it changed, and replans. Planned on an empty store's statistics, the same
    // statements scan another index and sort (seen: 200,000 db hits for a first page).
    graph
        .rows_unchecked(neo4rs::query("CALL db.prepareForReplanning(60)"))
        .await
        .unwrap();
}

/// Every operator of a plan tree, depth first.
fn operators(plan: &Value) -> Vec<&Value> {
    let mut out = vec![plan];
    for child in plan["children"].as_array().unwrap() {
        out.extend(operators(child));
    }
    out
}

fn db_hits(plan: &Value) -> i64 {
    operators(plan)
        .iter()
        .map(|o| o["dbHits"].as_i64().unwrap_or(0))
        .sum()
}

/// The db hits of the operators that project whole nodes or relationships (`x {.*}`): one per
/// property of each row returned.
fn projected_hits(plan: &Value) -> i64 {
    (operators(plan).iter())
        .filter(|o| {
            o["arguments"]["Details"]
                .as_str()
                .is_some_and(|d| d.contains("{.*}"))
        })
        .map(|o| o["dbHits"].as_i64().unwrap_or(0))
        .sum()
}

fn names(plan: &Value) -> Vec<String> {
    (operators(plan).iter())
        .map(|o| o["operator"].as_str().unwrap().to_string())
        .collect()
}

/// The operator that reads `index` (`:Label(properties)`), if any.
fn seek_of<'a>(plan: &'a Value, index: &str) -> Option<&'a Value> {
    operators(plan).into_iter().find(|o| {
        (o["arguments"]["Details"].as_str()).is_some_and(|d| {
            let (label, props) = index.split_once('(').unwrap();
            d.contains(&format!("{label}({props}"))
                || d.contains(&format!("{}({props}", label.trim_start_matches(':')))
        })
    })
}

#[tokio::test]
async fn neo4j_reads_listing_pages_from_their_index_in_order_at_any_depth() {
    if common::engine() != Engine::Neo4j {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    seed(&graph).await;

    for (statement, a, b, index) in listings() {
        let page = |(ka, kb): (String, String)| json!({a: ka, b: kb, "skip": 0, "limit": 11});
        let start = match statement.name {
            "SKILLS" => (String::new(), String::new()),
            _ => ("~".to_string(), String::new()),
        };
        let text = &statement.text;
        let first = common::neo4j_plan(&database, text, page(start), true).await;
        let deep = common::neo4j_plan(&database, text, page(key(&statement, DEEP)), true).await;
        for (which, (plan, text)) in [("first", &first), ("deep", &deep)] {
            let ops = names(plan);
            let seek = seek_of(plan, index).unwrap_or_else(|| {
                panic!("{} ({which}) does not use {index}:\n{text}", statement.name)
            });
            assert!(
                seek["operator"]
                    .as_str()
                    .unwrap()
                    .starts_with("NodeIndexSeek"),
                "{} ({which}) scans {index} instead of seeking it:\n{text}",
                statement.name
            );
            assert!(
                !ops.iter().any(|o| o.contains("Sort") || o == "Top"),
                "{} ({which}) sorts its matches:\n{text}",
                statement.name
            );
            // The page's 11 rows, and the scan stopped there.
            let rows = plan["rows"].as_i64().unwrap();
            assert_eq!(rows, 11, "{} ({which}):\n{text}", statement.name);
        }
        let (f, d) = (db_hits(&first.0), db_hits(&deep.0));
        assert!(
            (d as f64) <= 1.5 * f as f64,
            "{}: a page {DEEP} deep costs {d} db hits, the first {f}:\n{}",
            statement.name,
            deep.1
        );
        println!(
            "{}: first page {f} db hits, {DEEP} deep {d}\n{}",
            statement.name, deep.1
        );
    }
    assert_pages_cost_their_rows(&graph, &database, DEEP + 100, "100,100 entries").await;
}

#[tokio::test]
async fn neo4j_answers_text_filters_from_the_fulltext_index_and_claims_through_the_status_index() {
    if common::engine() != Engine::Neo4j {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    assert_eq!(
        graph.text_search(),
        skillgraph::graph::listing::TextSearch::FullText,
        "the service chose full-text search on Neo4j"
    );

    let text =
        json!({"text_query": "data*", "after_key": "", "after_uuid": "", "skip": 0, "limit": 11});
    let filter = SkillFilter {
        text: Some("data".into()),
        ..Default::default()
    };
    let page = skills(&filter, TextSearch::FullText, Tail::Page(Sort::Name));
    let count = skills(&filter, TextSearch::FullText, Tail::Count);
    for statement in [page, count] {
        let params = text.clone();
        let (plan, text_plan) = common::neo4j_plan(&database, &statement.text, params, false).await;
        let call = operators(&plan)
            .into_iter()
            .find(|o| o["operator"] == "ProcedureCall");
        let details = call.map(|o| o["arguments"]["Details"].as_str().unwrap_or(""));
        assert!(
            details.is_some_and(|d| d.contains("db.index.fulltext.queryNodes")),
            "{} does not call the full-text index:\n{text_plan}",
            statement.name
        );
        assert!(
            !names(&plan)
                .iter()
                .any(|o| o == "NodeByLabelScan" || o == "AllNodesScan"),
            "{} scans skills:\n{text_plan}",
            statement.name
        );
    }

    let now = 1_700_000_000_000i64;
    let claim = json!({"owner": "o", "now_ms": now, "now": "2025-01-01T00:00:00.000Z",
        "lease_until": now + 1000, "token": "t"});
    let claimable = json!({"owner": "o", "now_ms": now});
    for (statement, params) in [(&JOB_CLAIM, claim), (&JOB_CLAIMABLE, claimable)] {
        let (plan, text) = common::neo4j_plan(&database, statement.text, params, false).await;
        assert!(
            seek_of(&plan, ":Job(status)")
                .is_some_and(|o| o["operator"].as_str().unwrap().starts_with("NodeIndexSeek")),
            "{} does not find jobs through job_status:\n{text}",
            statement.name
        );
        assert!(
            !names(&plan).iter().any(|o| o == "NodeByLabelScan"),
            "{} scans every job:\n{text}",
            statement.name
        );
    }
}

/// ArcadeDB's plan of a statement (its `EXPLAIN` over HTTP).
async fn arcadedb_plan(database: &str, statement: &Statement, params: Value) -> String {
    let body: Value = common::admin(reqwest::Method::POST, &format!("command/{database}"))
        .json(&json!({
            "language": "opencypher",
            "command": format!("EXPLAIN {}", statement.text),
            "params": params,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["explain"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_string()
}

#[tokio::test]
async fn arcadedb_reads_listing_pages_from_an_index_in_order() {
    if common::engine() != Engine::ArcadeDb {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    let page = |a: &str, b: &str, first: &str, second: &str| json!({a: first, b: second, "skip": 0, "limit": 11});
    let listings = [
        (
            skills_page(),
            page("after_key", "after_uuid", "Data", "0"),
            "index=skill_name_uuid",
            "[index order]",
        ),
        (
            (&SKILL_EVENTS_PAGE).into(),
            page("after_time", "after_id", "2025-01-01T00:00:00.000Z", "e"),
            "index=skill_event_time_id",
            "[index order, descending]",
        ),
        (
            (&JOBS_PAGE).into(),
            page("after_time", "after_name", "2025-01-01T00:00:00.000Z", "j"),
            "index=job_created_name",
            "[index order, descending]",
        ),
    ];
    for (statement, params, index, order) in listings {
        let plan = arcadedb_plan(&database, &statement, params).await;
        assert!(
            plan.contains(index) && plan.contains(order),
            "{} should read {index} {order}:\n{plan}",
            statement.name
        );
        assert!(
            !plan.contains("OrderByStep"),
            "{} sorts its matches:\n{plan}",
            statement.name
        );
    }
}

/// Setting parents finds each child's old parents by expanding from the child. With a label on
/// the old parent Neo4j planned it, on the statistics of a store still filling, as a scan of
/// every skill for each row: 10,000,000 db hits for 500 rows against 5,000 skills.
#[tokio::test]
async fn neo4j_sets_parents_from_the_child_not_from_every_skill() {
    if common::engine() != Engine::Neo4j {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    let seed =
        "UNWIND range(0, 4999) AS i CREATE (:Skill {uri: 'u' + toString(i), uuid: randomUUID()})";
    graph.rows_unchecked(neo4rs::query(seed)).await.unwrap();
    let rows: Vec<Value> = (10..510)
        .map(|i| {
            let change = json!({"actor": "import", "by": "j", "job": "j", "operation": "import_parents",
                "fields": "[]", "edges_added": "[]", "edges_removed": "[]"});
            json!({"child": format!("u{i}"), "parents": [format!("u{}", i / 10)], "change": change})
        })
        .collect();
    let (plan, text) = common::neo4j_plan(
        &database,
        skillgraph::graph::cypher::UPSERT_CHILD_EDGES.text,
        json!({ "rows": rows, "now": "2026-01-01T00:00:00.000Z" }),
        true,
    )
    .await;
    let hits = db_hits(&plan);
    assert!(
        !names(&plan).iter().any(|o| o.contains("Scan")),
        "scans skills:\n{text}"
    );
    assert!(hits < 50_000, "{hits} db hits for 500 rows:\n{text}");
}

/// The lookups, trees and filtered listings start from a unique index, never from every node
/// of a label: the ancestors and descendants of skills from `:Skill(uuid)`, an occupation
/// group's skills from a prefix range of `:Occupation(code)`, a credential's from
/// `:Credential(uri)`, a framework's from `:Framework`; the other conditions of a filter (here
/// under AND, OR and NOT) are tested on the skills the anchor found.
#[tokio::test]
async fn neo4j_starts_lookups_trees_and_filters_from_their_unique_index() {
    use skillgraph::graph::cypher::{SKILL_ANCESTORS, SKILL_DESCENDANTS};
    if common::engine() != Engine::Neo4j {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    let page = json!({"after_key": "", "after_uuid": "", "skip": 0, "limit": 21});
    let with = |pairs: &[(&str, &str)]| {
        let mut p = page.clone();
        for (k, v) in pairs {
            p[*k] = json!(v);
        }
        p
    };
    let listing = |conditions: Vec<Condition>| {
        let filter = SkillFilter {
            text: None,
            conditions,
        };
        skills(&filter, TextSearch::FullText, Tail::Page(Sort::Name))
    };
    let is = |f: Field, v: &str| Condition::Is(f, v.to_string());
    let compound = vec![
        is(Field::Framework, "urn:f"),
        Condition::Any(vec![
            is(Field::EducationLevel, "Grade 9"),
            Condition::Not(Box::new(is(Field::Keyword, "math"))),
        ]),
        is(Field::Type, "Competency"),
    ];
    let cases = [
        (
            (&SKILL_ANCESTORS).into(),
            json!({"uuids": ["u-1", "u-2"]}),
            ":Skill(uuid)",
        ),
        (
            (&SKILL_DESCENDANTS).into(),
            json!({"uuids": ["u-1"]}),
            ":Skill(uuid)",
        ),
        (
            listing(vec![is(Field::Occupation, "15-1200")]),
            with(&[("prefix", "15-12")]),
            ":Occupation(code)",
        ),
        (
            listing(vec![is(Field::Credential, "urn:c")]),
            with(&[("credential", "urn:c")]),
            ":Credential(uri)",
        ),
        (
            listing(compound),
            with(&[
                ("framework", "urn:f"),
                ("v0", "Grade 9"),
                ("v1", "math"),
                ("v2", "Competency"),
            ]),
            ":Framework(",
        ),
    ];
    for (statement, params, index) in cases {
        let statement: Statement = statement;
        let (plan, text) = common::neo4j_plan(&database, &statement.text, params, false).await;
        assert!(
            seek_of(&plan, index).is_some(),
            "{} does not seek {index}:\n{}\n{text}",
            statement.name,
            statement.text
        );
        assert!(
            !names(&plan)
                .iter()
                .any(|o| o == "NodeByLabelScan" || o == "AllNodesScan"),
            "{} scans a label:\n{text}",
            statement.name
        );
    }
}

/// How the skills of a plan test are named.
#[derive(Clone, Copy, Debug)]
enum Names {
    /// `Skill 00000`, ... (the case: one long shared prefix, in order).
    Prefix,
    /// Twelve pseudo-random letters.
    Random,
    /// Twenty names shared by 500 skills each.
    Equal,
}

impl Names {
    fn of(self, i: i64) -> String {
        match self {
            Names::Prefix => format!("Skill {i:05}"),
            Names::Random => {
                // splitmix64: names in no order the insertion had.
                let mut x = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
                x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                (0..12)
                    .map(|k| (b'a' + ((x >> (k * 5)) % 26) as u8) as char)
                    .collect()
            }
            Names::Equal => format!("Communication {}", i % 20),
        }
    }
}

/// The key (first and second sort column) of the entry `at` places into `statement`'s order.
async fn key_at(
    graph: &skillgraph::graph::Graph,
    statement: &Statement,
    at: i64,
) -> (String, String) {
    let q = match statement.name {
        "SKILLS" => "MATCH (s:Skill) WHERE s.name IS NOT NULL RETURN s.name AS a, s.uuid AS b ORDER BY a, b SKIP $at LIMIT 1",
        "SKILL_EVENTS_PAGE" => "MATCH (e:SkillEvent) RETURN e.timestamp AS a, e.external_id AS b ORDER BY a DESC, b DESC SKIP $at LIMIT 1",
        _ => "MATCH (j:Job) RETURN j.created_time AS a, j.name AS b ORDER BY a DESC, b DESC SKIP $at LIMIT 1",
    };
    let rows = graph
        .rows_unchecked(neo4rs::query(q).param("at", at))
        .await
        .unwrap();
    let row = &rows[0];
    (row.get("a").unwrap(), row.get("b").unwrap())
}

/// Entries of `statement`'s index that share the first key of `(a, b)` and come before `b` in
/// the listing's order: a page after that key reads them before its first row.
async fn run_before(
    graph: &skillgraph::graph::Graph,
    statement: &Statement,
    (a, b): &(String, String),
) -> i64 {
    let q = match statement.name {
        "SKILLS" => "MATCH (s:Skill) WHERE s.name = $a AND s.uuid <= $b RETURN count(*) AS n",
        "SKILL_EVENTS_PAGE" => "MATCH (e:SkillEvent) WHERE e.timestamp = $a AND e.external_id >= $b RETURN count(*) AS n",
        _ => "MATCH (j:Job) WHERE j.created_time = $a AND j.name >= $b RETURN count(*) AS n",
    };
    let rows = graph
        .rows_unchecked(
            neo4rs::query(q)
                .param("a", a.as_str())
                .param("b", b.as_str()),
        )
        .await
        .unwrap();
    rows[0].get("n").unwrap()
}

/// The first page, one halfway through `n` entries and the last of each keyset listing: each
/// is read in order from its index, nothing sorts, and its db hits are within 2x of what its
/// rows cost (the projection's property reads) plus the index entries it must read (its rows,
/// the run of equal first keys before its cursor, and one).
async fn assert_pages_cost_their_rows(
    graph: &skillgraph::graph::Graph,
    database: &str,
    n: i64,
    when: &str,
) {
    for (statement, a, b, index) in listings() {
        for (which, at) in [
            ("first", None),
            ("halfway", Some(n / 2)),
            ("last", Some(n - 6)),
        ] {
            let cursor = match at {
                Some(at) => key_at(graph, &statement, at).await,
                None if statement.name == "SKILLS" => (String::new(), String::new()),
                None => ("~".to_string(), String::new()),
            };
            let before = match at {
                Some(_) => run_before(graph, &statement, &cursor).await,
                None => 0,
            };
            let params = json!({a: cursor.0, b: cursor.1, "skip": 0, "limit": 11});
            let (plan, text) = common::neo4j_plan(database, &statement.text, params, true).await;
            let name = statement.name;
            let rows = plan["rows"].as_i64().unwrap();
            assert_eq!(
                rows,
                if which == "last" { 5 } else { 11 },
                "{name} {which} ({when}):\n{text}"
            );
            let ops = names(&plan);
            assert!(
                seek_of(&plan, index)
                    .is_some_and(|o| o["operator"].as_str().unwrap().starts_with("NodeIndexSeek")),
                "{name} {which} ({when}) does not seek {index}:\n{text}"
            );
            assert!(
                !ops.iter()
                    .any(|o| o.contains("Sort") || o == "Top" || o == "Union"),
                "{name} {which} ({when}) sorts its matches:\n{text}"
            );
            let projected = projected_hits(&plan);
            let entries = rows + before + 1;
            let hits = db_hits(&plan);
            assert!(
                hits <= 2 * (projected + entries),
                "{name} {which} ({when}): {hits} db hits for {rows} rows ({projected} projecting them), \
                 {entries} index entries to read:\n{text}"
            );
        }
    }
}

/// Pages of each listing on data written after the service started (its plans made on an
/// empty store), in three shapes, by the service's own write paths and by bulk `UNWIND`: the
/// first page, one halfway and the last cost what their rows do, fresh and after the
/// database resampled its statistics. The statements once had a top-level `OR` across the two
/// sort columns, which Neo4j planned on `Skill 00000`-style names as a union of two seeks
/// and a sort of every skill (30,068 db hits for 11 rows at 10,000 skills).
#[tokio::test]
async fn neo4j_pages_cost_their_rows_on_any_data_shape() {
    use skillgraph::graph::{events, writes};
    if common::engine() != Engine::Neo4j {
        return;
    }
    const N: i64 = 10_000;
    for shape in [Names::Prefix, Names::Random, Names::Equal] {
        let database = common::fresh_database().await;
        let graph = common::connect(&database).await;
        skillgraph::graph::migrate::apply(&graph).await.unwrap();
        // The service's first pages, planned on the empty store.
        for (statement, a, b, _) in listings() {
            let q = neo4rs::query(&statement.text)
                .param(a, "~")
                .param(b, "")
                .param("skip", 0)
                .param("limit", 11);
            graph.rows_unchecked(q).await.unwrap();
        }
        match shape {
            // The import path: what a Credential Engine import writes.
            Names::Prefix => {
                for from in (0..N).step_by(1_000) {
                    let rows: Vec<writes::SkillRow> = (from..from + 1_000)
                        .map(|i| writes::SkillRow {
                            uri: format!("urn:s:{i}"),
                            framework_uri: None,
                            props: skillgraph::model::SkillProps {
                                name: Some(shape.of(i)),
                                ..Default::default()
                            },
                        })
                        .collect();
                    writes::upsert_skills(&graph, &writes::ImportLog::unrecorded(), &rows)
                        .await
                        .unwrap();
                }
            }
            _ => {
                let all: Vec<String> = (0..N).map(|i| shape.of(i)).collect();
                for chunk in all.chunks(5_000) {
                    let q = neo4rs::query(
                        "UNWIND $names AS name CREATE (:Skill {name: name, uuid: randomUUID()})",
                    )
                    .param("names", chunk.to_vec());
                    graph.rows_unchecked(q).await.unwrap();
                }
            }
        }
        // The load path: a file's events, which often share one timestamp (Equal) or run in
        // time order; jobs in bulk, many created in the same millisecond.
        for from in (0..N).step_by(2_000) {
            let rows: Vec<events::EventRow> = (from..from + 2_000)
                .map(|i| {
                    let time = match shape {
                        Names::Equal => "2025-03-01T00:00:00.000Z".to_string(),
                        _ => format!("2025-03-01T00:00:{:02}.{:03}Z", i / 1000 % 60, i % 1000),
                    };
                    events::EventRow {
                        employee_external_id: format!("emp{}", i % 100),
                        external_id: shape.of(i).replace(' ', "_") + &format!("-{i}"),
                        course_id: None,
                        props: [("timestamp", Some(time)), ("type", Some("learning".into()))]
                            .into_iter()
                            .collect(),
                        line: i + 2,
                    }
                })
                .collect();
            events::upsert(&graph, "load", &rows).await.unwrap();
        }
        let q = neo4rs::query(
            "UNWIND range(0, $n - 1) AS i CREATE (:Job {name: 'job-' + toString(i), status: 'succeeded', \
             created_time: '2025-03-01T00:00:00.' + right('00' + toString(i / 100), 3) + 'Z'})",
        )
        .param("n", N);
        graph.rows_unchecked(q).await.unwrap();

        for resampled in [false, true] {
            if resampled {
                for q in [
                    "CALL db.resampleOutdatedIndexes()",
                    "CALL db.prepareForReplanning(60)",
                ] {
                    graph.rows_unchecked(neo4rs::query(q)).await.unwrap();
                }
            }
            let when = format!("{shape:?} names, resampled: {resampled}");
            assert_pages_cost_their_rows(&graph, &database, N, &when).await;
        }
    }
}

/// The batch statements behind nested fields (a level of parents, children, alignments, ...)
/// planned on the empty store a deployment starts on, then run on 10,000 skills written by
/// the import path: each key is one seek of `:Skill(uuid)`, and the statement costs its rows.
/// Without their hints Neo4j kept the empty store's plan, a scan of the whole uuid index per
/// key (100,040 db hits for 10 keys), and a front-end page at 10,000 skills took 170 ms.
#[tokio::test]
async fn neo4j_batch_reads_seek_each_key_when_planned_on_an_empty_store() {
    use skillgraph::graph::cypher::*;
    if common::engine() != Engine::Neo4j {
        return;
    }
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    let batches: [&skillgraph::graph::cypher::Statement; 10] = [
        &SKILL_PARENTS,
        &SKILL_CHILDREN,
        &SKILL_FRAMEWORKS,
        &SKILL_ALIGNMENTS,
        &SKILL_OCCUPATIONS,
        &SKILL_CREDENTIALS,
        &SKILL_ANCESTORS,
        &SKILL_DESCENDANTS,
        &SKILL_ANCESTOR_LINKS,
        &SKILLS_VERSIONS,
    ];
    for s in batches {
        let q = neo4rs::query(s.text).param("uuids", vec!["none".to_string()]);
        graph.rows_unchecked(q).await.unwrap();
    }
    common::bench::seed_skills(&graph, 10_000).await;
    // Five roots (99 children each) and five children (one parent, one alignment each).
    let uuids: Vec<String> = graph
        .rows_unchecked(neo4rs::query(
            "MATCH (s:Skill) RETURN s.uuid AS u ORDER BY s.name SKIP 95 LIMIT 10",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("u").unwrap())
        .collect();
    for s in batches {
        let (plan, text) =
            common::neo4j_plan(&database, s.text, json!({ "uuids": uuids }), true).await;
        let ops = names(&plan);
        assert!(
            !ops.iter().any(|o| o.contains("Scan")),
            "{} scans:\n{text}",
            s.name
        );
        // Reading the returned skills' properties aside, a few hits per key and per row.
        let (hits, rows) = (
            db_hits(&plan) - projected_hits(&plan),
            plan["rows"].as_i64().unwrap(),
        );
        assert!(
            hits <= 10 * (uuids.len() as i64 + rows),
            "{}: {hits} db hits besides projections for {rows} rows:\n{text}",
            s.name
        );
    }
}
