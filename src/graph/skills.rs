//! Reads of the skill graph. Batch reads take many skill uuids and answer in one statement, so
//! the GraphQL data loaders resolve a nested field with one query per level, not per skill.
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::cypher::{self, Bound, Record, Statement};
use super::{Graph, GraphResult};
use crate::model::{Credential, Framework, Occupation, Skill};

/// Properties of an alignment relationship (to a skill, occupation or credential).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AlignmentEdge {
    /// Who asserted the alignment (e.g. `credential_engine`).
    pub source: Option<String>,
    /// `aligned` (asserted by the source) or `suggested` (inferred).
    pub kind: Option<String>,
    /// CTDL-ASN strength: exact, major, minor, broad, narrow.
    pub alignment_type: Option<String>,
    pub score: Option<f64>,
}

/// Filter of the skill listings; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct SkillFilter {
    /// Case-insensitive substring of name or description.
    pub text: Option<String>,
    pub source: Option<String>,
    /// Framework uuid or URI.
    pub framework: Option<String>,
}

impl SkillFilter {
    fn bind(&self, q: Bound) -> Bound {
        q.param("text", self.text.as_ref().map(|t| t.to_lowercase()))
            .param("source", self.source.clone())
            .param("framework", self.framework.clone())
    }
}

pub async fn page(
    graph: &Graph,
    filter: &SkillFilter,
    skip: usize,
    limit: usize,
) -> GraphResult<Vec<Skill>> {
    let q = filter
        .bind(cypher::SKILLS_PAGE.bind())
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    graph.column(q, "skill").await
}

pub async fn count(graph: &Graph, filter: &SkillFilter) -> GraphResult<i64> {
    let q = filter.bind(cypher::SKILLS_COUNT.bind());
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}

pub async fn by_uuid(graph: &Graph, uuid: &str) -> GraphResult<Option<Skill>> {
    graph
        .one(cypher::SKILL_BY_UUID.bind().param("uuid", uuid), "skill")
        .await
}

pub async fn frameworks_count(graph: &Graph) -> GraphResult<i64> {
    Ok(graph
        .one(cypher::FRAMEWORKS_COUNT.bind(), "total")
        .await?
        .unwrap_or(0))
}

pub async fn framework_by_uuid(graph: &Graph, uuid: &str) -> GraphResult<Option<Framework>> {
    let q = cypher::FRAMEWORK_BY_UUID.bind().param("uuid", uuid);
    graph.one(q, "framework").await
}

pub async fn frameworks(graph: &Graph, skip: usize, limit: usize) -> GraphResult<Vec<Framework>> {
    let q = cypher::FRAMEWORKS
        .bind()
        .param("skip", skip as i64)
        .param("limit", limit as i64);
    graph.column(q, "framework").await
}

pub async fn parents(graph: &Graph, uuids: &[String]) -> GraphResult<HashMap<String, Vec<Skill>>> {
    batch(graph, &cypher::SKILL_PARENTS, uuids, |r| r.get("skill")).await
}

pub async fn children(graph: &Graph, uuids: &[String]) -> GraphResult<HashMap<String, Vec<Skill>>> {
    batch(graph, &cypher::SKILL_CHILDREN, uuids, |r| r.get("skill")).await
}

pub async fn frameworks_of(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<Framework>>> {
    batch(graph, &cypher::SKILL_FRAMEWORKS, uuids, |r| {
        r.get("framework")
    })
    .await
}

pub async fn alignments(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(AlignmentEdge, Skill)>>> {
    batch(graph, &cypher::SKILL_ALIGNMENTS, uuids, |r| {
        Ok((r.get("edge")?, r.get("skill")?))
    })
    .await
}

pub async fn occupations(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(AlignmentEdge, Occupation)>>> {
    batch(graph, &cypher::SKILL_OCCUPATIONS, uuids, |r| {
        Ok((r.get("edge")?, r.get("occupation")?))
    })
    .await
}

pub async fn credentials(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(AlignmentEdge, Credential)>>> {
    batch(graph, &cypher::SKILL_CREDENTIALS, uuids, |r| {
        Ok((r.get("edge")?, r.get("credential")?))
    })
    .await
}

/// Runs a batch statement (`UNWIND $uuids AS uuid ... RETURN uuid, ...`) and groups its rows
/// by uuid, keeping the statement's order within each group.
async fn batch<T: DeserializeOwned>(
    graph: &Graph,
    statement: &'static Statement,
    uuids: &[String],
    decode: impl Fn(&Record) -> GraphResult<T>,
) -> GraphResult<HashMap<String, Vec<T>>> {
    let rows = graph
        .rows(statement.bind().param("uuids", uuids.to_vec()))
        .await?;
    let mut grouped: HashMap<String, Vec<T>> = HashMap::new();
    for row in &rows {
        let uuid: String = row.get("uuid")?;
        grouped.entry(uuid).or_default().push(decode(row)?);
    }
    Ok(grouped)
}
