//! What an import may write, given what people decided, and what it records: the fields a
//! curator set are left as they are, and the edges a curator linked, removed, accepted or
//! rejected stay so. Each batch is read as stored before it is written; the difference is the
//! import's change of each skill (recorded with the write) and the job's counts.
use std::collections::HashMap;
use std::ops::{AddAssign, Sub};
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::cypher::{self, Record, Statement};
use super::{Graph, GraphResult};
use crate::model::{
    field_changes, same, Actor, AlignmentKind, ChangeOperation, EdgeChange, EdgeKind, NewChange,
    SkillProps,
};

/// Changes kept per skill: the oldest go as new ones are recorded.
pub const HISTORY_PER_SKILL: i64 = 200;

/// Changes one import job records; it goes on counting past them.
pub const CHANGES_PER_JOB: i64 = 100_000;

/// A skill as stored: every property, by name.
pub type Stored = Map<String, Value>;

/// Its version (each change adds one; none yet: 0).
pub fn version_of(props: &Stored) -> i64 {
    props.get("version").and_then(Value::as_i64).unwrap_or(0)
}

/// The fields curators have set.
pub fn curated_of(props: &Stored) -> Vec<String> {
    props
        .get("curated")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The rows `statement` answers for `uris` (its `$uris`), in one read: the patched driver
/// (vendor/neo4rs) sends a large request at once, so a batch is no longer cut for its sake.
async fn read_by_uris(
    graph: &Graph,
    statement: &'static Statement,
    uris: Vec<String>,
) -> GraphResult<Vec<Record>> {
    graph.rows(statement.bind().param("uris", uris)).await
}

/// The skills among `uris` that exist, as stored.
pub async fn as_stored(graph: &Graph, uris: Vec<String>) -> GraphResult<HashMap<String, Stored>> {
    read_by_uris(graph, &cypher::SKILLS_AS_STORED, uris)
        .await?
        .iter()
        .map(|r| Ok((r.get("uri")?, r.get("skill")?)))
        .collect()
}

/// Who an import's changes are recorded as, and how many more it may record (a job's history
/// is bounded; its counts are not).
#[derive(Debug)]
pub struct ImportLog {
    job: String,
    left: AtomicI64,
}

impl ImportLog {
    /// For writes that are no job's (seeding test and benchmark data): records nothing.
    pub const fn unrecorded() -> Self {
        Self {
            job: String::new(),
            left: AtomicI64::new(0),
        }
    }

    pub fn new(job: impl Into<String>, max_changes: i64) -> Self {
        Self {
            job: job.into(),
            left: AtomicI64::new(max_changes),
        }
    }

    /// The job the changes are recorded as.
    pub fn job(&self) -> &str {
        &self.job
    }

    /// The change to record, or None past the job's bound.
    pub(super) fn record(
        &self,
        operation: ChangeOperation,
        fields: &[crate::model::FieldChange],
        added: &[EdgeChange],
        removed: &[EdgeChange],
    ) -> Option<NewChange> {
        (self.left.fetch_sub(1, Ordering::Relaxed) > 0)
            .then(|| NewChange::new(Actor::Import, &self.job, operation, fields, added, removed))
    }
}

/// What an import's writes did, for the job's counters.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Written {
    /// Values and edges left as a curator had made them.
    pub kept: i64,
    pub skills_added: i64,
    pub skills_changed: i64,
    pub skills_removed: i64,
    pub edges_added: i64,
    pub edges_changed: i64,
    pub edges_removed: i64,
    /// Changes made but not recorded: the job's history was full.
    pub unrecorded: i64,
}

impl AddAssign for Written {
    fn add_assign(&mut self, o: Self) {
        self.kept += o.kept;
        self.skills_added += o.skills_added;
        self.skills_changed += o.skills_changed;
        self.skills_removed += o.skills_removed;
        self.edges_added += o.edges_added;
        self.edges_changed += o.edges_changed;
        self.edges_removed += o.edges_removed;
        self.unrecorded += o.unrecorded;
    }
}

impl Sub for Written {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            kept: self.kept - o.kept,
            skills_added: self.skills_added - o.skills_added,
            skills_changed: self.skills_changed - o.skills_changed,
            skills_removed: self.skills_removed - o.skills_removed,
            edges_added: self.edges_added - o.edges_added,
            edges_changed: self.edges_changed - o.edges_changed,
            edges_removed: self.edges_removed - o.edges_removed,
            unrecorded: self.unrecorded - o.unrecorded,
        }
    }
}

/// One skill row as `upsert_skills.cypher` writes it.
#[derive(Debug, Serialize)]
pub struct MergedRow {
    pub uri: String,
    pub framework_uri: Option<String>,
    /// The import's fields but those curators set.
    pub props: Map<String, Value>,
    /// The version read: the row is written only if the skill is still at it.
    pub version: i64,
    /// Whether any field changes (the version advances only then).
    pub changed: bool,
    /// The change recorded with the write, if any and if the job may record more.
    pub change: Option<NewChange>,
}

/// An import's skill (`uri`, `framework_uri`, `props`) as it may be written over `stored`, and
/// what that does.
pub fn merge(
    log: &ImportLog,
    uri: &str,
    framework_uri: Option<&str>,
    props: &SkillProps,
    stored: Option<&Stored>,
) -> (MergedRow, Written) {
    let mut props = match serde_json::to_value(props) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let empty = Map::new();
    let before = stored.unwrap_or(&empty);
    let null = Value::Null;
    let mut written = Written::default();
    for field in curated_of(before) {
        if let Some(v) = props.remove(&field) {
            written.kept += i64::from(!same(&v, before.get(&field).unwrap_or(&null)));
        }
    }
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    let fields = field_changes(&keys, before, &props);
    let operation = match stored {
        None => {
            written.skills_added += 1;
            Some(ChangeOperation::CreateSkill)
        }
        Some(_) if !fields.is_empty() => {
            written.skills_changed += 1;
            Some(ChangeOperation::ImportSkill)
        }
        Some(_) => None,
    };
    let changed = operation.is_some();
    let change = operation.and_then(|op| log.record(op, &fields, &[], &[]));
    written.unrecorded += i64::from(changed && change.is_none());
    let merged = MergedRow {
        uri: uri.to_string(),
        framework_uri: framework_uri.map(String::from),
        props,
        version: version_of(before),
        changed,
        change,
    };
    (merged, written)
}

/// A parent of a skill as stored.
#[derive(Debug, Deserialize)]
struct StoredParent {
    uri: Option<String>,
    uuid: Option<String>,
    curated: bool,
}

/// An alignment of a skill as stored.
#[derive(Debug, Deserialize)]
struct StoredAlignment {
    source: Option<String>,
    uri: Option<String>,
    uuid: Option<String>,
    alignment_type: Option<String>,
    kind: Option<String>,
    score: Option<f64>,
    curated: bool,
}

impl StoredAlignment {
    fn edge(&self) -> EdgeChange {
        EdgeChange {
            kind: EdgeKind::Alignment,
            target: self.uuid.as_deref().map(Into::into),
            target_uri: self.uri.clone(),
            source: self.source.clone(),
            alignment_type: self.alignment_type.clone(),
            alignment_kind: self.kind.clone(),
            score: self.score,
        }
    }
}

/// One skill's edges as stored, with what curators decided about them.
#[derive(Debug, Default)]
pub struct StoredEdges {
    parents: Vec<StoredParent>,
    removed_parents: Vec<String>,
    alignments: Vec<StoredAlignment>,
    /// `target uri|alignment type`
    rejected: Vec<String>,
}

/// What setting one skill's edges of one kind changes.
#[derive(Debug, Default)]
pub struct EdgeDiff {
    pub added: Vec<EdgeChange>,
    pub removed: Vec<EdgeChange>,
    pub written: Written,
}

impl EdgeDiff {
    /// The row to write with the change it records, if the edges change (a row whose edges
    /// stay as they are is not sent), and what it does.
    pub fn row<'a, T: Serialize>(
        mut self,
        log: &ImportLog,
        operation: ChangeOperation,
        row: &'a T,
    ) -> (Option<LoggedRow<'a, T>>, Written) {
        if self.added.is_empty() && self.removed.is_empty() {
            return (None, self.written);
        }
        let change = log.record(operation, &[], &self.added, &self.removed);
        self.written.unrecorded += i64::from(change.is_none());
        (Some(LoggedRow { row, change }), self.written)
    }
}

/// A row of an edge-setting statement that changes the skill's edges, with the change the
/// writer records of it.
#[derive(Debug, Serialize)]
pub struct LoggedRow<'a, T> {
    #[serde(flatten)]
    pub row: &'a T,
    pub change: Option<NewChange>,
}

impl StoredEdges {
    /// What setting the parents to `wanted` (URIs) does, as `upsert_child_edges.cypher` does
    /// it: parents a curator linked stay, those a curator removed are not linked again.
    pub fn parents(&self, wanted: &[String]) -> EdgeDiff {
        let mut diff = EdgeDiff::default();
        for p in &self.parents {
            let uri = p.uri.as_deref().unwrap_or_default();
            if !wanted.iter().any(|w| w == uri) {
                if p.curated {
                    diff.written.kept += 1;
                } else {
                    diff.removed
                        .push(EdgeChange::parent(p.uuid.as_deref(), p.uri.as_deref()));
                }
            }
        }
        for w in wanted {
            if self.removed_parents.contains(w) {
                diff.written.kept += 1;
            } else if !self.parents.iter().any(|p| p.uri.as_deref() == Some(w)) {
                diff.added.push(EdgeChange::parent(None, Some(w)));
            }
        }
        diff.written.edges_added = diff.added.len() as i64;
        diff.written.edges_removed = diff.removed.len() as i64;
        diff
    }

    /// What setting the alignments from `source` to `wanted` (target uri, type, kind, score)
    /// does, as `set_alignments.cypher` does it: alignments a curator added or accepted are
    /// neither changed nor removed, those a curator rejected are not asserted again.
    pub fn alignments(
        &self,
        source: &str,
        wanted: &[(&str, &str, AlignmentKind, Option<f64>)],
    ) -> EdgeDiff {
        let mut diff = EdgeDiff::default();
        let ours: Vec<&StoredAlignment> = self
            .alignments
            .iter()
            .filter(|a| a.source.as_deref() == Some(source))
            .collect();
        let same_edge = |a: &StoredAlignment, to: &str, t: &str| {
            a.uri.as_deref() == Some(to) && a.alignment_type.as_deref() == Some(t)
        };
        for a in &ours {
            if !wanted.iter().any(|(to, t, ..)| same_edge(a, to, t)) {
                if a.curated {
                    diff.written.kept += 1;
                } else {
                    diff.removed.push(a.edge());
                    diff.written.edges_removed += 1;
                }
            }
        }
        for &(to, t, kind, score) in wanted {
            if self.rejected.contains(&format!("{to}|{t}")) {
                diff.written.kept += 1;
                continue;
            }
            let kind_name: &str = kind.into();
            let now = EdgeChange {
                kind: EdgeKind::Alignment,
                target: None,
                target_uri: Some(to.to_string()),
                source: Some(source.to_string()),
                alignment_type: Some(t.to_string()),
                alignment_kind: Some(kind_name.to_string()),
                score,
            };
            match ours.iter().find(|a| same_edge(a, to, t)) {
                None => {
                    diff.added.push(now);
                    diff.written.edges_added += 1;
                }
                Some(a) if a.kind.as_deref() != Some(kind_name) || a.score != score => {
                    if a.curated {
                        diff.written.kept += 1;
                    } else {
                        diff.removed.push(a.edge());
                        diff.added.push(EdgeChange {
                            target: a.uuid.as_deref().map(Into::into),
                            ..now
                        });
                        diff.written.edges_changed += 1;
                    }
                }
                Some(_) => {}
            }
        }
        diff
    }
}

/// The edges of the skills among `uris` as stored.
pub async fn edges_as_stored(
    graph: &Graph,
    uris: Vec<String>,
) -> GraphResult<HashMap<String, StoredEdges>> {
    read_by_uris(graph, &cypher::SKILLS_EDGES_AS_STORED, uris)
        .await?
        .iter()
        .map(|r| {
            let edges = StoredEdges {
                parents: r.get("parents")?,
                removed_parents: r.get("removed_parents")?,
                alignments: r.get("alignments")?,
                rejected: r.get("rejected")?,
            };
            Ok((r.get("uri")?, edges))
        })
        .collect()
}

/// Drops the changes of the skills among `uris` older than their last [`HISTORY_PER_SKILL`].
pub async fn prune(graph: &Graph, uris: Vec<String>) -> GraphResult<()> {
    let q = cypher::CHANGES_PRUNE
        .bind()
        .param("uris", uris)
        .param("keep", HISTORY_PER_SKILL);
    graph.run_idempotent(q).await
}
