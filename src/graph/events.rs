//! Skill events (learning events today) and the employees they belong to.
use serde::Serialize;

use super::{cypher, now, param, Graph, GraphResult};
use crate::model::LearningEventProps;
use crate::model::{Employee, SkillEvent};

/// One learning event as written to the graph (a validated CSV row).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LearningEventRow {
    pub employee_external_id: String,
    pub external_id: String,
    pub course_id: Option<String>,
    pub props: LearningEventProps,
}

pub async fn upsert_learning_events(graph: &Graph, rows: &[LearningEventRow]) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let q = cypher::UPSERT_LEARNING_EVENTS
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
    skip: usize,
    limit: usize,
) -> GraphResult<Vec<SkillEvent>> {
    let q = cypher::SKILL_EVENTS_PAGE
        .bind()
        .param("employee", employee)
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    graph.column(q, "event").await
}

pub async fn count(graph: &Graph, employee: Option<&str>) -> GraphResult<i64> {
    let q = cypher::SKILL_EVENTS_COUNT
        .bind()
        .param("employee", employee);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}
