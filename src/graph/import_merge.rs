//! What an import may write, given what people decided: the fields a curator set are left as
//! they are, and the edges a curator linked, removed, accepted or rejected stay so. Read per
//! batch before it is written; what was left alone is counted for the job's result.
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::cypher;
use super::{Graph, GraphResult};
use crate::model::{same, AlignmentKind, SkillProps};

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

/// The skills among `uris` that exist, as stored.
pub async fn as_stored(graph: &Graph, uris: Vec<String>) -> GraphResult<HashMap<String, Stored>> {
    let q = cypher::SKILLS_AS_STORED.bind().param("uris", uris);
    graph
        .rows(q)
        .await?
        .iter()
        .map(|r| Ok((r.get("uri")?, r.get("skill")?)))
        .collect()
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
}

/// An import's skill (`uri`, `framework_uri`, `props`) as it may be written over `stored`, and
/// how many of its values were left out because a curator had set that field to something else.
pub fn merge(
    uri: &str,
    framework_uri: Option<&str>,
    props: &SkillProps,
    stored: Option<&Stored>,
) -> (MergedRow, i64) {
    let mut props = match serde_json::to_value(props) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let empty = Map::new();
    let before = stored.unwrap_or(&empty);
    let null = Value::Null;
    let mut kept = 0;
    for field in curated_of(before) {
        if let Some(v) = props.remove(&field) {
            kept += i64::from(!same(&v, before.get(&field).unwrap_or(&null)));
        }
    }
    let changed = stored.is_none()
        || props
            .iter()
            .any(|(k, v)| !same(v, before.get(k).unwrap_or(&null)));
    let merged = MergedRow {
        uri: uri.to_string(),
        framework_uri: framework_uri.map(String::from),
        props,
        version: version_of(before),
        changed,
    };
    (merged, kept)
}

/// What curators decided about one skill's edges.
#[derive(Debug, Default)]
pub struct CuratedEdges {
    removed_parents: Vec<String>,
    curated_parents: Vec<String>,
    /// `target uri|alignment type`
    rejected: Vec<String>,
    /// `source|target uri|alignment type|kind`
    curated_alignments: Vec<String>,
}

impl CuratedEdges {
    /// How many of an import's parents a curator removed, and how many parents a curator linked
    /// that the import does not assert (it would have unlinked them).
    pub fn kept_parents(&self, parents: &[String]) -> i64 {
        let removed = parents.iter().filter(|p| self.removed_parents.contains(p));
        let linked = self.curated_parents.iter().filter(|p| !parents.contains(p));
        (removed.count() + linked.count()) as i64
    }

    /// How many of an import's alignments from `source` a curator rejected, and how many
    /// alignments from it a curator accepted that the import asserts otherwise or not at all.
    /// Each edge is (target uri, alignment type, kind).
    pub fn kept_alignments(&self, source: &str, edges: &[(&str, &str, AlignmentKind)]) -> i64 {
        let rejected = edges
            .iter()
            .filter(|(to, t, _)| self.rejected.contains(&format!("{to}|{t}")))
            .count();
        let accepted = self
            .curated_alignments
            .iter()
            .filter_map(|c| c.strip_prefix(source)?.strip_prefix('|'))
            .filter(|rest| {
                !edges.iter().any(|(to, t, kind)| {
                    let kind: &str = (*kind).into();
                    *rest == format!("{to}|{t}|{kind}")
                })
            })
            .count();
        (rejected + accepted) as i64
    }
}

/// What curators decided about the edges of the skills among `uris`.
pub async fn curated_edges(
    graph: &Graph,
    uris: Vec<String>,
) -> GraphResult<HashMap<String, CuratedEdges>> {
    let q = cypher::SKILLS_CURATED_EDGES.bind().param("uris", uris);
    graph
        .rows(q)
        .await?
        .iter()
        .map(|r| {
            let edges = CuratedEdges {
                removed_parents: r.get("removed_parents")?,
                curated_parents: r.get("curated_parents")?,
                rejected: r.get("rejected")?,
                curated_alignments: r.get("curated_alignments")?,
            };
            Ok((r.get("uri")?, edges))
        })
        .collect()
}
