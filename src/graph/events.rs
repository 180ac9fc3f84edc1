//! Skill events and the employees they belong to.
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::cypher::{self, Bound};
use super::listing::{Order, PageAt};
use super::{generation, now, param, Graph, GraphResult};
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
    /// Where the row is in its file (stored as `load_line`, to report duplicates).
    pub line: i64,
}

/// Writes `rows` as the load `load` (an opaque id, e.g. the job's name).
pub async fn upsert(graph: &Graph, load: &str, rows: &[EventRow]) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let q = cypher::UPSERT_SKILL_EVENTS
        .bind()
        .param("rows", param(&rows)?)
        .param("now", now())
        .param("load", load);
    graph.run_idempotent(q).await?;
    generation::bump(graph).await
}

/// The ids among `ids` that the load `load` has written already, with the line of each.
pub async fn loaded(
    graph: &Graph,
    load: &str,
    ids: Vec<String>,
) -> GraphResult<HashMap<String, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q = cypher::SKILL_EVENTS_LOADED
        .bind()
        .param("ids", ids)
        .param("load", load);
    let rows = graph.rows(q).await?;
    rows.iter()
        .map(|r| Ok((r.get("external_id")?, r.get("line")?)))
        .collect()
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

/// The listing statements (page, count) for one combination of filters, bound.
fn statements(employee: Option<&str>, event_type: Option<&str>) -> (Bound, Bound) {
    use cypher::*;
    let [page, count]: [&'static Statement; 2] = match (employee.is_some(), event_type.is_some()) {
        (false, false) => [&SKILL_EVENTS_PAGE, &SKILL_EVENTS_COUNT],
        (true, false) => [&SKILL_EVENTS_PAGE_E, &SKILL_EVENTS_COUNT_E],
        (false, true) => [&SKILL_EVENTS_PAGE_T, &SKILL_EVENTS_COUNT_T],
        (true, true) => [&SKILL_EVENTS_PAGE_ET, &SKILL_EVENTS_COUNT_ET],
    };
    let bind = |st: &'static Statement| {
        let mut q = st.bind();
        if let Some(e) = employee {
            q = q.param("employee", e);
        }
        if let Some(t) = event_type {
            q = q.param("event_type", t);
        }
        q
    };
    (bind(page), bind(count))
}

/// Skill events, newest first (timestamp, then external id).
pub async fn page(
    graph: &Graph,
    employee: Option<&str>,
    event_type: Option<&str>,
    at: &PageAt,
) -> GraphResult<Vec<SkillEvent>> {
    let (q, _) = statements(employee, event_type);
    let q = at.bind(q, Order::Descending, "after_time", "after_id");
    graph.column(q, "event").await
}

pub async fn count(
    graph: &Graph,
    employee: Option<&str>,
    event_type: Option<&str>,
) -> GraphResult<i64> {
    let (_, q) = statements(employee, event_type);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}
