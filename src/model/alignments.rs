//! Alignments as stored on their relationships, and their grouping by the source that asserted
//! them (the shape both the GraphQL `skillAlignment` field and the seed REST listing answer).
use serde::{Deserialize, Serialize};

/// Properties of an alignment relationship (to a skill, occupation or credential).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AlignmentEdge {
    /// Who asserted the alignment (e.g. `credential_engine`).
    pub source: Option<String>,
    /// Asserted, suggested, or required (a credential's).
    pub kind: Option<AlignmentKind>,
    /// CTDL-ASN strength: exact, major, minor, broad, narrow.
    pub alignment_type: Option<String>,
    pub score: Option<f64>,
    /// The curator who added or accepted it: imports neither change nor remove it.
    pub curated_by: Option<String>,
}

/// How an alignment (to a skill, an occupation or a credential) was asserted, stored on the
/// relationship as the lower-case word.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum AlignmentKind {
    /// Asserted by its source (a publisher's alignment).
    Aligned,
    /// Inferred, not asserted.
    Suggested,
    /// A credential's requirement (`set_credential_requirements.cypher`).
    Required,
}

/// What one source says a skill aligns to: asserted (`aligned`) and inferred (`suggested`).
#[derive(Debug, PartialEq)]
pub struct SourceGroup<T> {
    /// The edge's source, `unknown` where it names none.
    pub source: String,
    pub aligned: Vec<T>,
    pub suggested: Vec<T>,
}

/// Groups alignments by source in the order sources first appear; a suggested edge goes to
/// `suggested`, any other kind to `aligned`.
pub fn by_source<T>(
    edges: impl IntoIterator<Item = (AlignmentEdge, T)>,
) -> Vec<SourceGroup<(AlignmentEdge, T)>> {
    let mut groups: Vec<SourceGroup<(AlignmentEdge, T)>> = Vec::new();
    for (edge, target) in edges {
        let source = edge.source.as_deref().unwrap_or("unknown");
        let idx = match groups.iter().position(|g| g.source == source) {
            Some(i) => i,
            None => {
                groups.push(SourceGroup {
                    source: source.to_string(),
                    aligned: vec![],
                    suggested: vec![],
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[idx];
        if edge.kind == Some(AlignmentKind::Suggested) {
            group.suggested.push((edge, target));
        } else {
            group.aligned.push((edge, target));
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(source: Option<&str>, kind: Option<AlignmentKind>) -> AlignmentEdge {
        AlignmentEdge {
            source: source.map(String::from),
            kind,
            ..Default::default()
        }
    }

    #[test]
    fn alignments_group_by_source_in_first_seen_order() {
        let groups = by_source([
            (edge(Some("b"), Some(AlignmentKind::Aligned)), 1),
            (edge(None, None), 2),
            (edge(Some("b"), Some(AlignmentKind::Suggested)), 3),
            (edge(Some("a"), Some(AlignmentKind::Aligned)), 4),
        ]);
        let shape: Vec<(&str, Vec<i32>, Vec<i32>)> = groups
            .iter()
            .map(|g| {
                let ids = |l: &[(AlignmentEdge, i32)]| l.iter().map(|(_, n)| *n).collect();
                (g.source.as_str(), ids(&g.aligned), ids(&g.suggested))
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("b", vec![1], vec![3]),
                ("unknown", vec![2], vec![]),
                ("a", vec![4], vec![])
            ]
        );
    }
}
