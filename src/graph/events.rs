//! Skill events (learning events today) and the employees they belong to.
use neo4rs::query;
use serde::{Deserialize, Serialize};

use super::{cypher, now, param, Graph, GraphResult};

/// One learning event as written to the graph (a validated CSV row).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LearningEventRow {
    pub employee_external_id: String,
    pub external_id: String,
    pub course_id: Option<String>,
    pub props: LearningEventProps,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LearningEventProps {
    pub language: String,
    /// Normalised to RFC 3339 UTC.
    pub timestamp: String,
    pub source: Option<String>,
    pub course_id: Option<String>,
    pub learning_title: Option<String>,
    pub learning_description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EmployeeNode {
    pub external_id: String,
    pub created_time: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EventNode {
    pub external_id: String,
    pub event_type: Option<String>,
    pub employee_external_id: Option<String>,
    pub language: Option<String>,
    pub timestamp: Option<String>,
    pub source: Option<String>,
    pub course_id: Option<String>,
    pub learning_title: Option<String>,
    pub learning_description: Option<String>,
    pub created_time: Option<String>,
    pub modified_time: Option<String>,
}

pub async fn upsert_learning_events(graph: &Graph, rows: &[LearningEventRow]) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let q = query(cypher::UPSERT_LEARNING_EVENTS)
        .param("rows", param(&rows)?)
        .param("now", now());
    graph.run_idempotent(q).await
}

pub async fn employee(graph: &Graph, external_id: &str) -> GraphResult<Option<EmployeeNode>> {
    let q = query(cypher::EMPLOYEE_BY_EXTERNAL_ID).param("external_id", external_id);
    graph.one(q, "employee").await
}

pub async fn page(
    graph: &Graph,
    employee: Option<&str>,
    skip: usize,
    limit: usize,
) -> GraphResult<Vec<EventNode>> {
    let q = query(cypher::SKILL_EVENTS_PAGE)
        .param("employee", employee)
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    graph.column(q, "event").await
}

pub async fn count(graph: &Graph, employee: Option<&str>) -> GraphResult<i64> {
    let q = query(cypher::SKILL_EVENTS_COUNT).param("employee", employee);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}
