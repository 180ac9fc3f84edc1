//! Reads of the skill graph. Batch reads take many skill uuids and answer in one statement, so
//! the GraphQL data loaders resolve a nested field with one query per level, not per skill.
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::cypher::{self, Record, Statement};
use super::listing::{Order, PageAt};
use super::skill_filter::{Facet, SkillFilter, Sort, Tail};
use super::{Graph, GraphResult};
use crate::model::{AlignmentEdge, Credential, Framework, Occupation, Skill};

/// One value of a facet and how many matching skills have it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub label: Option<String>,
    pub n: i64,
}

/// The skills matching `filter`, counted per value of `facet` (most first, at most 100 values).
pub async fn facet(
    graph: &Graph,
    filter: &SkillFilter,
    facet: Facet,
) -> GraphResult<Vec<FacetCount>> {
    let q = filter.compose(graph.text_search(), Tail::Facet(facet));
    let rows = graph.rows(q).await?;
    rows.iter()
        .map(|r| {
            Ok(FacetCount {
                value: r.get("value")?,
                label: r.get("label")?,
                n: r.get("n")?,
            })
        })
        .collect()
}

/// A page of the skills matching `filter` in `sort` order, after the sort key `at` holds
/// (see [`sort_key`]).
pub async fn page(
    graph: &Graph,
    filter: &SkillFilter,
    sort: Sort,
    at: &PageAt,
) -> GraphResult<Vec<Skill>> {
    let q = filter.compose(graph.text_search(), Tail::Page(sort));
    let order = match sort {
        Sort::Name | Sort::ListOrder => Order::Ascending,
        Sort::DateModified => Order::Descending,
    };
    let q = at.bind(q, order, "after_key", "after_uuid");
    graph.column(q, "skill").await
}

/// The key a skill has in a listing's `sort` order (what its statement compares).
pub fn sort_key(skill: &Skill, sort: Sort) -> (String, String) {
    let p = &skill.props;
    let key = match sort {
        Sort::Name => p.name.clone().unwrap_or_default(),
        Sort::ListOrder => p.list_order.clone().unwrap_or_else(|| "~".into()),
        Sort::DateModified => p.date_modified.clone().unwrap_or_default(),
    };
    (key, skill.stored.uuid.to_string())
}

pub async fn count(graph: &Graph, filter: &SkillFilter) -> GraphResult<i64> {
    let q = filter.compose(graph.text_search(), Tail::Count);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}

/// Skills matching `filter` (which has a text), most relevant first, each with its score:
/// through the full-text index its score (an exact name match above all), as a substring 3 for
/// an exact name, 2 for a name containing the text, 1 for a description containing it. `at` is
/// an offset page. A blank text matches nothing. [`count`] counts the same matches.
pub async fn search(
    graph: &Graph,
    filter: &SkillFilter,
    at: &PageAt,
) -> GraphResult<Vec<(f64, Skill)>> {
    if filter.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Ok(vec![]);
    }
    let q = filter
        .compose(graph.text_search(), Tail::Ranked)
        .param("skip", at.skip as i64)
        .param("limit", at.limit as i64);
    let rows = graph.rows(q).await?;
    rows.iter()
        .map(|r| Ok((r.get("score")?, r.get("skill")?)))
        .collect()
}

/// A credential by its URI.
pub async fn credential(graph: &Graph, uri: &str) -> GraphResult<Option<Credential>> {
    graph
        .one(
            cypher::CREDENTIAL_BY_URI.bind().param("uri", uri),
            "credential",
        )
        .await
}

/// A framework by its uuid or its URI.
pub async fn framework(graph: &Graph, id: &str) -> GraphResult<Option<Framework>> {
    graph
        .one(cypher::FRAMEWORK_BY_ID.bind().param("id", id), "framework")
        .await
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

/// Frameworks in (name, uuid) order, each with its number of skills.
pub async fn frameworks(graph: &Graph, at: &PageAt) -> GraphResult<Vec<Framework>> {
    let q = at.bind(
        cypher::FRAMEWORKS_PAGE.bind(),
        Order::Ascending,
        "after_name",
        "after_uuid",
    );
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

/// How far `ancestors` and `descendants` reach: the bound written in their statements.
pub const TREE_DEPTH: i64 = 5;

/// Every ancestor of each skill up to [`TREE_DEPTH`] levels, with its nearest depth (1 for a
/// parent), nearest first.
pub async fn ancestors(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(i64, Skill)>>> {
    batch(graph, &cypher::SKILL_ANCESTORS, uuids, |r| {
        Ok((r.get("depth")?, r.get("skill")?))
    })
    .await
}

/// Every descendant of each skill up to [`TREE_DEPTH`] levels, with its nearest depth (1 for
/// a child), nearest first.
pub async fn descendants(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(i64, Skill)>>> {
    batch(graph, &cypher::SKILL_DESCENDANTS, uuids, |r| {
        Ok((r.get("depth")?, r.get("skill")?))
    })
    .await
}

/// The parent links above each skill up to [`TREE_DEPTH`] levels: (child uuid, parent), parents
/// by name (see `model::breadcrumb`).
pub async fn ancestor_links(
    graph: &Graph,
    uuids: &[String],
) -> GraphResult<HashMap<String, Vec<(String, Skill)>>> {
    batch(graph, &cypher::SKILL_ANCESTOR_LINKS, uuids, |r| {
        Ok((r.get("child")?, r.get("skill")?))
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
