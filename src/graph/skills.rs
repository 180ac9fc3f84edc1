//! Reads of the skill graph. Batch reads take many skill uuids and answer in one statement, so
//! the GraphQL data loaders resolve a nested field with one query per level, not per skill.
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::cypher::{self, Bound, Record, Statement};
use super::listing::{fulltext_query, Order, PageAt, TextSearch};
use super::{Graph, GraphResult};
use crate::model::{AlignmentEdge, Credential, Framework, Occupation, Skill};

/// Filter of the skill listings; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct SkillFilter {
    /// Case-insensitive substring of name or description.
    pub text: Option<String>,
    pub source: Option<String>,
    /// Framework uuid or URI.
    pub framework: Option<String>,
}

/// How a text is matched: through Neo4j's full-text index (the query it is given), or as a
/// lower-cased substring where the database has no such index or the text has no word to look
/// up in it. One decision for the text filter of the listings and for ranked search, so a
/// search's hits and its count are the same matches.
enum TextMatch {
    FullText(String),
    Contains(String),
}

impl TextMatch {
    fn of(text: &str, text_search: TextSearch) -> Self {
        let full = (text_search == TextSearch::FullText).then(|| fulltext_query(text));
        match full.flatten() {
            Some(query) => TextMatch::FullText(query),
            None => TextMatch::Contains(text.to_lowercase()),
        }
    }

    fn search(&self) -> TextSearch {
        match self {
            TextMatch::FullText(_) => TextSearch::FullText,
            TextMatch::Contains(_) => TextSearch::Contains,
        }
    }
}

/// Which statement of a filter combination: the page, the count, or a facet.
#[derive(Clone, Copy)]
enum Part {
    Page,
    Count,
    Facet(Facet),
}

impl SkillFilter {
    /// One listing statement of this combination of filters, bound (only the one asked for).
    fn statement(&self, text_search: TextSearch, part: Part) -> Bound {
        use cypher::*;
        let text = (self.text.as_deref()).map(|t| TextMatch::of(t, text_search));
        let fw = self.framework.is_some();
        let src = self.source.is_some();
        let statements: [&'static Statement; 6] =
            match (text.as_ref().map(TextMatch::search), fw, src) {
                (None, false, false) => [
                    &SKILLS_PAGE,
                    &SKILLS_COUNT,
                    &FACET_FRAMEWORK,
                    &FACET_SOURCE,
                    &FACET_OCCUPATION,
                    &FACET_EDUCATION,
                ],
                (None, false, true) => [
                    &SKILLS_PAGE_S,
                    &SKILLS_COUNT_S,
                    &FACET_FRAMEWORK_S,
                    &FACET_SOURCE_S,
                    &FACET_OCCUPATION_S,
                    &FACET_EDUCATION_S,
                ],
                (None, true, false) => [
                    &SKILLS_PAGE_F,
                    &SKILLS_COUNT_F,
                    &FACET_FRAMEWORK_F,
                    &FACET_SOURCE_F,
                    &FACET_OCCUPATION_F,
                    &FACET_EDUCATION_F,
                ],
                (None, true, true) => [
                    &SKILLS_PAGE_FS,
                    &SKILLS_COUNT_FS,
                    &FACET_FRAMEWORK_FS,
                    &FACET_SOURCE_FS,
                    &FACET_OCCUPATION_FS,
                    &FACET_EDUCATION_FS,
                ],
                (Some(TextSearch::Contains), false, false) => [
                    &SKILLS_PAGE_T,
                    &SKILLS_COUNT_T,
                    &FACET_FRAMEWORK_T,
                    &FACET_SOURCE_T,
                    &FACET_OCCUPATION_T,
                    &FACET_EDUCATION_T,
                ],
                (Some(TextSearch::Contains), false, true) => [
                    &SKILLS_PAGE_TS,
                    &SKILLS_COUNT_TS,
                    &FACET_FRAMEWORK_TS,
                    &FACET_SOURCE_TS,
                    &FACET_OCCUPATION_TS,
                    &FACET_EDUCATION_TS,
                ],
                (Some(TextSearch::Contains), true, false) => [
                    &SKILLS_PAGE_TF,
                    &SKILLS_COUNT_TF,
                    &FACET_FRAMEWORK_TF,
                    &FACET_SOURCE_TF,
                    &FACET_OCCUPATION_TF,
                    &FACET_EDUCATION_TF,
                ],
                (Some(TextSearch::Contains), true, true) => [
                    &SKILLS_PAGE_TFS,
                    &SKILLS_COUNT_TFS,
                    &FACET_FRAMEWORK_TFS,
                    &FACET_SOURCE_TFS,
                    &FACET_OCCUPATION_TFS,
                    &FACET_EDUCATION_TFS,
                ],
                (Some(TextSearch::FullText), false, false) => [
                    &SKILLS_PAGE_X,
                    &SKILLS_COUNT_X,
                    &FACET_FRAMEWORK_X,
                    &FACET_SOURCE_X,
                    &FACET_OCCUPATION_X,
                    &FACET_EDUCATION_X,
                ],
                (Some(TextSearch::FullText), false, true) => [
                    &SKILLS_PAGE_XS,
                    &SKILLS_COUNT_XS,
                    &FACET_FRAMEWORK_XS,
                    &FACET_SOURCE_XS,
                    &FACET_OCCUPATION_XS,
                    &FACET_EDUCATION_XS,
                ],
                (Some(TextSearch::FullText), true, false) => [
                    &SKILLS_PAGE_XF,
                    &SKILLS_COUNT_XF,
                    &FACET_FRAMEWORK_XF,
                    &FACET_SOURCE_XF,
                    &FACET_OCCUPATION_XF,
                    &FACET_EDUCATION_XF,
                ],
                (Some(TextSearch::FullText), true, true) => [
                    &SKILLS_PAGE_XFS,
                    &SKILLS_COUNT_XFS,
                    &FACET_FRAMEWORK_XFS,
                    &FACET_SOURCE_XFS,
                    &FACET_OCCUPATION_XFS,
                    &FACET_EDUCATION_XFS,
                ],
            };
        // In the order of the arms above: page, count, then the facets in `Facet` order.
        let index = match part {
            Part::Page => 0,
            Part::Count => 1,
            Part::Facet(f) => 2 + f as usize,
        };
        let mut q = statements[index].bind();
        match &text {
            Some(TextMatch::Contains(t)) => q = q.param("text", t.as_str()),
            Some(TextMatch::FullText(query)) => q = q.param("text_query", query.as_str()),
            None => {}
        }
        if let Some(source) = &self.source {
            q = q.param("source", source.as_str());
        }
        if let Some(framework) = &self.framework {
            q = q.param("framework", framework.as_str());
        }
        q
    }
}

/// What the matching skills of a listing can be counted by (in the order of the facet
/// statements of each filter combination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Framework,
    Source,
    OccupationMajorGroup,
    EducationLevel,
}

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
    let q = filter.statement(graph.text_search(), Part::Facet(facet));
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

/// Skills in (name, uuid) order.
pub async fn page(graph: &Graph, filter: &SkillFilter, at: &PageAt) -> GraphResult<Vec<Skill>> {
    let q = filter.statement(graph.text_search(), Part::Page);
    let q = at.bind(q, Order::Ascending, "after_name", "after_uuid");
    graph.column(q, "skill").await
}

pub async fn count(graph: &Graph, filter: &SkillFilter) -> GraphResult<i64> {
    let q = filter.statement(graph.text_search(), Part::Count);
    Ok(graph.one(q, "total").await?.unwrap_or(0))
}

/// Skills matching `text`, most relevant first, each with its score: through the full-text index
/// its score (an exact name match above all), as a substring 3 for an exact name, 2 for a name
/// containing the text, 1 for a description containing it (see [`TextMatch`]). `at` is an
/// offset page. A blank text matches nothing.
pub async fn search(graph: &Graph, text: &str, at: &PageAt) -> GraphResult<Vec<(f64, Skill)>> {
    if text.trim().is_empty() {
        return Ok(vec![]);
    }
    let q = match TextMatch::of(text, graph.text_search()) {
        TextMatch::FullText(query) => cypher::SEARCH_FULLTEXT
            .bind()
            .param("text_query", query)
            .param("text", text.to_lowercase()),
        TextMatch::Contains(lower) => cypher::SEARCH_CONTAINS.bind().param("text", lower),
    };
    let q = q
        .param("skip", at.skip as i64)
        .param("limit", at.limit as i64);
    let rows = graph.rows(q).await?;
    rows.iter()
        .map(|r| Ok((r.get("score")?, r.get("skill")?)))
        .collect()
}

/// How many skills match `text`: the same matches as [`search`] (the text filter's).
pub async fn search_count(graph: &Graph, text: &str) -> GraphResult<i64> {
    if text.trim().is_empty() {
        return Ok(0);
    }
    let filter = SkillFilter {
        text: Some(text.to_string()),
        ..Default::default()
    };
    count(graph, &filter).await
}

/// Skills found back from what they are aligned to.
#[derive(Debug, Clone)]
pub enum SkillsOf {
    /// An occupation code's SOC group prefix (see `model::occupations::soc_prefix`).
    Occupation(String),
    /// A credential's URI.
    Credential(String),
}

impl SkillsOf {
    fn statements(&self) -> (Bound, Bound) {
        let (page, count, key, value) = match self {
            SkillsOf::Occupation(p) => (
                &cypher::OCCUPATION_SKILLS_PAGE,
                &cypher::OCCUPATION_SKILLS_COUNT,
                "prefix",
                p,
            ),
            SkillsOf::Credential(u) => (
                &cypher::CREDENTIAL_SKILLS_PAGE,
                &cypher::CREDENTIAL_SKILLS_COUNT,
                "credential",
                u,
            ),
        };
        let bind = |st: &'static Statement| st.bind().param(key, value.as_str());
        (bind(page), bind(count))
    }
}

/// A page of the skills of an occupation group or a credential, in (name, uuid) order.
pub async fn page_of(graph: &Graph, of: &SkillsOf, at: &PageAt) -> GraphResult<Vec<Skill>> {
    let q = at.bind(
        of.statements().0,
        Order::Ascending,
        "after_name",
        "after_uuid",
    );
    graph.column(q, "skill").await
}

/// How many skills an occupation group or a credential has.
pub async fn count_of(graph: &Graph, of: &SkillsOf) -> GraphResult<i64> {
    Ok(graph.one(of.statements().1, "total").await?.unwrap_or(0))
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
