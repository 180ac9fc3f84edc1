//! Batched, idempotent writes of the skill graph (`UNWIND $rows` + `MERGE` keyed by URI/code).

use serde::{Deserialize, Serialize};

use super::cypher::{self, Statement};
use super::import_merge::{self, MergedRow, StoredEdges, HISTORY_PER_SKILL};
pub use super::import_merge::{ImportLog, Written, CHANGES_PER_JOB};
use super::{generation, now, param, Graph, GraphError, GraphResult};
use crate::model::{AlignmentKind, ChangeOperation, CredentialProps, FrameworkProps, SkillProps};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FrameworkRow {
    pub uri: String,
    pub props: FrameworkProps,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CredentialRow {
    pub uri: String,
    pub props: CredentialProps,
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
    pub kind: AlignmentKind,
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
    pub kind: AlignmentKind,
    pub score: Option<f64>,
}

/// Every edge of one kind that one source asserts for one skill: the skill's other edges of
/// that kind from that source are removed when these are set.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SkillEdges<T> {
    pub from: String,
    pub source: String,
    pub edges: Vec<T>,
}

/// One skill alignment as [`SkillEdges`] carries it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlignmentEdge {
    pub to: String,
    pub kind: AlignmentKind,
    pub alignment_type: String,
    pub score: Option<f64>,
}

/// One occupation as [`SkillEdges`] carries it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OccupationEdge {
    pub code: String,
    pub name: Option<String>,
    pub framework: Option<String>,
    pub kind: AlignmentKind,
    pub score: Option<f64>,
}

impl<T> SkillEdges<T> {
    /// For every skill in `skills` (an empty list where it has none, so stale edges go), the
    /// edges among `rows` that start at it.
    pub fn per_skill<R>(
        skills: &[SkillRow],
        source: &str,
        rows: &[R],
        from: impl Fn(&R) -> &str,
        edge: impl Fn(&R) -> T,
    ) -> Vec<Self> {
        let mut by_skill: std::collections::HashMap<&str, Vec<T>> =
            std::collections::HashMap::new();
        for r in rows {
            by_skill.entry(from(r)).or_default().push(edge(r));
        }
        skills
            .iter()
            .map(|s| SkillEdges {
                from: s.uri.clone(),
                source: source.to_string(),
                edges: by_skill.remove(s.uri.as_str()).unwrap_or_default(),
            })
            .collect()
    }
}

impl SkillEdges<AlignmentEdge> {
    pub fn alignments(skills: &[SkillRow], source: &str, rows: &[AlignmentRow]) -> Vec<Self> {
        Self::per_skill(
            skills,
            source,
            rows,
            |a| &a.from,
            |a| AlignmentEdge {
                to: a.to.clone(),
                kind: a.kind,
                alignment_type: a.alignment_type.clone(),
                score: a.score,
            },
        )
    }
}

impl SkillEdges<OccupationEdge> {
    pub fn occupations(skills: &[SkillRow], source: &str, rows: &[OccupationRow]) -> Vec<Self> {
        Self::per_skill(
            skills,
            source,
            rows,
            |o| &o.from,
            |o| OccupationEdge {
                code: o.code.clone(),
                name: o.name.clone(),
                framework: o.framework.clone(),
                kind: o.kind,
                score: o.score,
            },
        )
    }
}

/// Sets each skill's alignments from one source to exactly the given ones, but for what
/// curators decided (see `import_merge`), recording each skill's change as `log`'s job.
pub async fn set_alignments(
    graph: &Graph,
    log: &ImportLog,
    rows: &[SkillEdges<AlignmentEdge>],
) -> GraphResult<Written> {
    let uris = rows.iter().map(|r| r.from.clone()).collect();
    let stored = import_merge::edges_as_stored(graph, uris).await?;
    let (none, mut written) = (StoredEdges::default(), Written::default());
    // A skill whose alignments stay as they are is not sent (nor its batch, if none change).
    let logged: Vec<_> = rows
        .iter()
        .filter_map(|r| {
            let wanted: Vec<_> = r
                .edges
                .iter()
                .map(|e| (e.to.as_str(), e.alignment_type.as_str(), e.kind, e.score))
                .collect();
            let diff = stored
                .get(&r.from)
                .unwrap_or(&none)
                .alignments(&r.source, &wanted);
            let (row, w) = diff.row(log, ChangeOperation::ImportAlignments, r);
            written += w;
            row
        })
        .collect();
    unwind(graph, &cypher::SET_ALIGNMENTS, &logged).await?;
    Ok(written)
}

/// Sets each skill's occupations from one source to exactly the given ones.
pub async fn set_occupations(
    graph: &Graph,
    rows: &[SkillEdges<OccupationEdge>],
) -> GraphResult<()> {
    unwind(graph, &cypher::SET_OCCUPATIONS, rows).await
}

pub async fn upsert_frameworks(graph: &Graph, rows: &[FrameworkRow]) -> GraphResult<()> {
    unwind(graph, &cypher::UPSERT_FRAMEWORKS, rows).await
}

/// Times a batch of skills is read and written again while curators change some of them.
const MERGE_ATTEMPTS: usize = 5;

/// Skills, each linked to its framework when the framework exists; the fields curators set are
/// left as they are. Each skill changed is recorded as `log`'s job's change.
pub async fn upsert_skills(
    graph: &Graph,
    log: &ImportLog,
    rows: &[SkillRow],
) -> GraphResult<Written> {
    let mut pending: Vec<&SkillRow> = rows.iter().collect();
    let mut written = Written::default();
    let mut long_histories = vec![];
    for _ in 0..MERGE_ATTEMPTS {
        if pending.is_empty() {
            break;
        }
        let uris = pending.iter().map(|r| r.uri.clone()).collect();
        let stored = import_merge::as_stored(graph, uris).await?;
        long_histories.extend(
            stored
                .iter()
                .filter(|(_, s)| import_merge::version_of(s) >= HISTORY_PER_SKILL)
                .map(|(uri, _)| uri.clone()),
        );
        let merged: Vec<(MergedRow, Written)> = pending
            .iter()
            .map(|r| {
                let fw = r.framework_uri.as_deref();
                import_merge::merge(log, &r.uri, fw, &r.props, stored.get(&r.uri))
            })
            .collect();
        let batch: Vec<&MergedRow> = merged.iter().map(|(m, _)| m).collect();
        let q = cypher::UPSERT_SKILLS
            .bind()
            .param("rows", param(&batch)?)
            .param("now", now());
        let done = graph.written(q).await?;
        for (m, w) in &merged {
            if done.contains(&m.uri) {
                written += *w;
            }
        }
        pending.retain(|r| !done.contains(&r.uri));
    }
    if !rows.is_empty() {
        generation::bump(graph).await?;
    }
    if let Some(first) = pending.first() {
        let n = pending.len();
        return Err(GraphError::Contended(format!(
            "{n} skills, {} first",
            first.uri
        )));
    }
    if !long_histories.is_empty() {
        import_merge::prune(graph, long_histories).await?;
    }
    Ok(written)
}

/// A child whose parents were left as they were: each of `closing` descends from it, so
/// linking it would close a cycle.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Cycle {
    pub child: String,
    pub closing: Vec<String>,
}

/// Sets each child's parents to exactly the given ones, but for what curators decided (see
/// `import_merge`), recording each child's change as `log`'s job. A child one of whose new
/// parents descends from it keeps the parents it had, and is returned.
pub async fn set_parents(
    graph: &Graph,
    log: &ImportLog,
    rows: &[ChildEdges],
) -> GraphResult<(Written, Vec<Cycle>)> {
    let uris = rows.iter().map(|r| r.child.clone()).collect();
    let stored = import_merge::edges_as_stored(graph, uris).await?;
    let none = StoredEdges::default();
    // A child whose parents stay as they are is not sent (nor its batch, if none change).
    let (mut logged, mut counts) = (vec![], vec![]);
    for r in rows {
        let diff = stored.get(&r.child).unwrap_or(&none).parents(&r.parents);
        let (row, w) = diff.row(log, ChangeOperation::ImportParents, r);
        counts.push((r.child.as_str(), w));
        logged.extend(row);
    }
    let cycles: Vec<Cycle> = if logged.is_empty() {
        vec![]
    } else {
        let q = cypher::UPSERT_CHILD_EDGES
            .bind()
            .param("rows", param(&logged)?)
            .param("now", now());
        let rows = graph.rows_idempotent(q).await?;
        generation::bump(graph).await?;
        let decoded: GraphResult<Vec<Cycle>> = rows
            .iter()
            .map(|r| {
                Ok(Cycle {
                    child: r.get("child")?,
                    closing: r.get("closing")?,
                })
            })
            .collect();
        decoded?
    };
    let mut written = Written::default();
    for (child, w) in counts {
        if !cycles.iter().any(|c| c.child == child) {
            written += w;
        }
    }
    Ok((written, cycles))
}

async fn unwind<T: Serialize>(
    graph: &Graph,
    statement: &'static Statement,
    rows: &[T],
) -> GraphResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = statement.bind().param("rows", param(&rows)?);
    if statement.params.contains(&"now") {
        q = q.param("now", now());
    }
    graph.run_idempotent(q).await?;
    generation::bump(graph).await
}

/// Merges a credential and sets exactly the skills it requires (by skill URI, and every skill
/// of the whole frameworks named): requirement edges from `source` to other skills are removed.
/// Returns the skill URIs that are not in the graph.
pub async fn set_credential_requirements(
    graph: &Graph,
    credential: &CredentialRow,
    source: &str,
    skills: &[String],
    frameworks: &[String],
) -> GraphResult<Vec<String>> {
    let q = cypher::SET_CREDENTIAL_REQUIREMENTS
        .bind()
        .param("uri", credential.uri.as_str())
        .param("props", param(&credential.props)?)
        .param("source", source)
        .param("skills", skills.to_vec())
        .param("frameworks", frameworks.to_vec());
    let missing = graph.one(q, "missing").await?.unwrap_or_default();
    generation::bump(graph).await?;
    Ok(missing)
}
