//! Skill events and the employees they belong to.
use std::collections::BTreeMap;

use serde::Serialize;

use super::{cypher, now, param, Graph, GraphResult};
use crate::model::{Employee, SkillEvent};

/// One skill event as written to the graph (a validated CSV row).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRow {
    pub employee_external_id: String,
    pub external_id: String,
    /// Links a learning event to its course.
    pub course_id: Option<String>,
    /// Every stored property but the keys and times: type, language, timestamp, content;
    /// null removes the property.
    pub props: BTreeMap<&'static str, Option<String>>,
    /// Where the row is in its file, for reporting; not stored.
    #[serde(skip)]
    pub line: i64,
}

pub async fn upsert(graph: &Graph, rows: &[EventRow]) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let q = cypher::UPSERT_SKILL_EVENTS
        .bind()
        .param("rows", param(&rows)?)
        .param("now", now());
    graph.run_idempotent(q).await
}

pub async fn employee(graph: &Graph, external_id: &str) -> GraphResult<Option<Employee>> {
    let q = cypher::EMPLOYEE_BY_EXTERNAL_ID
        .bind()
        .param("external_id", external_id);
    graph.one(q, "employee").await
}

pub async fn by_external_id(graph: &Graph, external_id: &str) -> GraphResult<Option<SkillEvent>> {
    let q = cypher::SKILL_EVENT_BY_EXTERNAL_ID
        .bind()
        .param("external_id", external_id);
    graph.one(q, "event").await
}

pub async fn page(
    graph: &Graph,
    employee: Option<&str>,
    event_type: Option<&str>,
    skip: usize,
    limit: usize,
) -> GraphResult<Vec<SkillEvent>> {
    let q = cypher::SKILL_EVENTS_PAGE
        .bind()
        .param("employee", employee)
        .param("event_type", event_type)
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    graph.column(q, "event").await
}

pub async fn count(
    graph: &Graph,
    employee: Option<&str>,
    event_type: Option<&str>,
) -> GraphResult<i64> {
    let q = cypher::SKILL_EVENTS_COUNT
        .bind()
        .param("employee", employee)
        .param("event_type", event_type);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}
