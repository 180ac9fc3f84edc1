//! Batched, idempotent writes of the skill graph (`UNWIND $rows` + `MERGE` keyed by URI/code).
use neo4rs::query;
use serde::Serialize;

use super::{cypher, now, param, Graph, GraphResult};

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FrameworkProps {
    pub ctid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub source_name: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrameworkRow {
    pub uri: String,
    pub props: FrameworkProps,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SkillProps {
    pub ctid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub author: Option<String>,
    pub creator: Option<String>,
    pub reference_id: Option<String>,
    pub source_name: Option<String>,
    pub type_id: Option<String>,
    pub type_name: Option<String>,
    pub organizations: Vec<String>,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkillRow {
    pub uri: String,
    pub framework_uri: Option<String>,
    pub props: SkillProps,
}

/// All parents of one child: edges to other parents are removed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChildEdges {
    pub child: String,
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlignmentRow {
    pub from: String,
    pub to: String,
    pub source: String,
    pub kind: String,
    pub alignment_type: String,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OccupationRow {
    pub from: String,
    pub code: String,
    pub name: Option<String>,
    pub framework: Option<String>,
    pub source: String,
    pub kind: String,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CredentialRow {
    pub from: String,
    pub uri: String,
    pub name: Option<String>,
    pub credential_type: Option<String>,
    pub source: String,
    pub kind: String,
    pub score: Option<f64>,
}

/// What one source still asserts for one skill; its other edges of that kind are removed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeepEdges {
    pub from: String,
    pub source: String,
    /// Alignments: `"<target uri>|<alignment_type>"`; occupations: codes.
    pub keep: Vec<String>,
}

impl KeepEdges {
    /// For every skill in `skills`, the alignments in `rows` that stay.
    pub fn alignments(skills: &[SkillRow], source: &str, rows: &[AlignmentRow]) -> Vec<Self> {
        Self::group(
            skills,
            source,
            rows.iter()
                .map(|a| (&a.from, format!("{}|{}", a.to, a.alignment_type))),
        )
    }

    pub fn occupations(skills: &[SkillRow], source: &str, rows: &[OccupationRow]) -> Vec<Self> {
        Self::group(
            skills,
            source,
            rows.iter().map(|o| (&o.from, o.code.clone())),
        )
    }

    fn group<'a>(
        skills: &[SkillRow],
        source: &str,
        edges: impl Iterator<Item = (&'a String, String)>,
    ) -> Vec<Self> {
        let mut keep: std::collections::HashMap<&str, Vec<String>> =
            std::collections::HashMap::new();
        for (from, key) in edges {
            keep.entry(from.as_str()).or_default().push(key);
        }
        skills
            .iter()
            .map(|s| KeepEdges {
                from: s.uri.clone(),
                source: source.to_string(),
                keep: keep.remove(s.uri.as_str()).unwrap_or_default(),
            })
            .collect()
    }
}

pub async fn prune_alignments(graph: &Graph, rows: &[KeepEdges]) -> GraphResult<()> {
    unwind(graph, cypher::PRUNE_ALIGNMENTS, rows).await
}

pub async fn prune_occupations(graph: &Graph, rows: &[KeepEdges]) -> GraphResult<()> {
    unwind(graph, cypher::PRUNE_OCCUPATIONS, rows).await
}

pub async fn upsert_frameworks(graph: &Graph, rows: &[FrameworkRow]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_FRAMEWORKS, rows).await
}

/// Skills, each linked to its framework when the framework exists.
pub async fn upsert_skills(graph: &Graph, rows: &[SkillRow]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_SKILLS, rows).await
}

pub async fn set_parents(graph: &Graph, rows: &[ChildEdges]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_CHILD_EDGES, rows).await
}

pub async fn upsert_alignments(graph: &Graph, rows: &[AlignmentRow]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_ALIGNMENTS, rows).await
}

pub async fn upsert_occupations(graph: &Graph, rows: &[OccupationRow]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_OCCUPATIONS, rows).await
}

pub async fn upsert_credentials(graph: &Graph, rows: &[CredentialRow]) -> GraphResult<()> {
    unwind(graph, cypher::UPSERT_CREDENTIALS, rows).await
}

async fn unwind<T: Serialize>(graph: &Graph, cypher: &str, rows: &[T]) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let q = query(cypher)
        .param("rows", param(&rows)?)
        .param("now", now());
    graph.run_idempotent(q).await
}
