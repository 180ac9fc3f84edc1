//! The listing statements as the test database (ArcadeDB) plans them: a page is read from a
//! two-column index in order and the scan stops at the limit; nothing sorts the matches. Neo4j's
//! plans for the same statements are reasoned in the README. A statement that moved its
//! `ORDER BY` to a `WITH`, lost the typed keys or the index would sort every match again.
mod common;

use serde_json::{json, Value};
use skillgraph::graph::cypher::{Statement, JOBS_PAGE, SKILLS_PAGE, SKILL_EVENTS_PAGE};

async fn plan(database: &str, statement: &Statement, params: Value) -> String {
    let body: Value = common::admin(&format!("command/{database}"))
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
async fn listing_pages_are_read_from_an_index_in_order() {
    let database = common::fresh_database().await;
    let graph = common::connect(&database).await;
    skillgraph::graph::migrate::apply(&graph).await.unwrap();
    let page = |a: &str, b: &str, first: &str, second: &str| json!({a: first, b: second, "skip": 0, "limit": 11});
    let listings = [
        (
            &SKILLS_PAGE,
            page("after_name", "after_uuid", "Data", "0"),
            "index=skill_name_uuid",
            "[index order]",
        ),
        (
            &SKILL_EVENTS_PAGE,
            page("after_time", "after_id", "2025-01-01T00:00:00.000Z", "e"),
            "index=skill_event_time_id",
            "[index order, descending]",
        ),
        (
            &JOBS_PAGE,
            page("after_time", "after_name", "2025-01-01T00:00:00.000Z", "j"),
            "index=job_created_name",
            "[index order, descending]",
        ),
    ];
    for (statement, params, index, order) in listings {
        let plan = plan(&database, statement, params).await;
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
