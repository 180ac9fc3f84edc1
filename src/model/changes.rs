//! What a write changed in the skill graph, as its history records it: who (a curator or an
//! import job), when, each field before and after, and the edges added and removed. Stored on a
//! `(:Change)` node per write and skill; the field and edge lists as JSON text, since a graph
//! property cannot hold maps.
use async_graphql::{Json, SimpleObject, ID};
use serde::{Deserialize, Serialize};

/// Who made a change.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    async_graphql::Enum,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Actor {
    /// A person, through a curation mutation; `by` is the caller.
    Curator,
    /// An import job; `by` is the job's name.
    Import,
}

/// What a change did to a skill.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    async_graphql::Enum,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ChangeOperation {
    CreateSkill,
    UpdateSkill,
    DeleteSkill,
    AddParent,
    RemoveParent,
    AddAlignment,
    RemoveAlignment,
    AcceptAlignment,
    RejectAlignment,
    /// An import wrote the skill's fields (or created it).
    ImportSkill,
    /// An import set the skill's parents.
    ImportParents,
    /// An import set the skill's alignments from its source.
    ImportAlignments,
    /// A revert job restored what an import changed.
    RevertImport,
}

/// One field before and after a change (null: it had no value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
pub struct FieldChange {
    /// The field as stored (`name`, `description`, `keywords`, ...).
    pub field: String,
    pub before: Json<serde_json::Value>,
    pub after: Json<serde_json::Value>,
}

/// The kind of an edge a change added or removed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, strum::Display,
)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// `CHILD_OF`: the skill's parent.
    Parent,
    /// `ALIGNED_WITH`: an alignment to another skill.
    Alignment,
}

/// An edge from the changed skill, as a change added or removed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SimpleObject)]
pub struct EdgeChange {
    pub kind: EdgeKind,
    /// uuid of the skill at the other end, where the writer knew it (an import names targets
    /// by URI, some not in the graph yet).
    pub target: Option<ID>,
    /// URI of the skill at the other end.
    pub target_uri: Option<String>,
    /// An alignment's source, type, kind (aligned, suggested) and score.
    pub source: Option<String>,
    pub alignment_type: Option<String>,
    pub alignment_kind: Option<String>,
    pub score: Option<f64>,
}

impl EdgeChange {
    pub fn parent(uuid: Option<&str>, uri: Option<&str>) -> Self {
        EdgeChange {
            kind: EdgeKind::Parent,
            target: uuid.map(ID::from),
            target_uri: uri.map(String::from),
            source: None,
            alignment_type: None,
            alignment_kind: None,
            score: None,
        }
    }
}

/// One recorded change of one skill.
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct SkillChange {
    pub id: ID,
    /// uuid of the skill changed.
    pub skill_uuid: ID,
    /// uuid of the skill's framework when it was changed.
    pub framework: Option<ID>,
    /// The skill's version after the change (each change adds one).
    pub version: i64,
    /// When it was made (RFC 3339, UTC).
    pub at: String,
    pub actor: Actor,
    /// The caller's name, or the import job's.
    pub by: String,
    /// The job that made the change, if a job did.
    pub job: Option<String>,
    pub operation: ChangeOperation,
    pub fields: Vec<FieldChange>,
    pub edges_added: Vec<EdgeChange>,
    pub edges_removed: Vec<EdgeChange>,
    /// Its number in the graph's change log (none on changes recorded before numbering).
    #[graphql(skip)]
    pub seq: Option<i64>,
    /// The import this change undoes, if a revert made it.
    #[graphql(skip)]
    pub reverts: Option<String>,
}

/// A change as a `(:Change)` node stores it (the lists as JSON text).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredChange {
    pub id: String,
    pub skill_uuid: String,
    pub framework: Option<String>,
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub by: String,
    pub job: Option<String>,
    pub operation: String,
    pub fields: String,
    pub edges_added: String,
    pub edges_removed: String,
    pub seq: Option<i64>,
    pub reverts: Option<String>,
}

/// What a write is about to record: the node's properties but those the statement sets itself
/// (skill, version, time). The id is made here, so that a writer whose answer was lost can still
/// tell whether its change was recorded.
#[derive(Debug, Clone, Serialize)]
pub struct NewChange {
    pub id: String,
    pub actor: &'static str,
    pub by: String,
    pub job: Option<String>,
    pub operation: &'static str,
    pub fields: String,
    pub edges_added: String,
    pub edges_removed: String,
    /// The import a revert's change undoes (so a revert run again knows its own).
    pub reverts: Option<String>,
}

impl NewChange {
    pub fn new(
        actor: Actor,
        by: &str,
        operation: ChangeOperation,
        fields: &[FieldChange],
        added: &[EdgeChange],
        removed: &[EdgeChange],
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            actor: actor.into(),
            by: by.to_string(),
            job: (actor == Actor::Import).then(|| by.to_string()),
            operation: operation.into(),
            fields: json_text(fields),
            edges_added: json_text(added),
            edges_removed: json_text(removed),
            reverts: None,
        }
    }
}

/// A list of plain records as JSON text (it has no map with non-string keys: cannot fail).
fn json_text<T: Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

impl TryFrom<StoredChange> for SkillChange {
    type Error = String;

    fn try_from(c: StoredChange) -> Result<Self, String> {
        fn list<T: serde::de::DeserializeOwned>(id: &str, text: &str) -> Result<Vec<T>, String> {
            if text.is_empty() {
                return Ok(Vec::new());
            }
            serde_json::from_str(text).map_err(|e| format!("change {id}: {e}"))
        }
        Ok(SkillChange {
            id: ID(c.id.clone()),
            skill_uuid: ID(c.skill_uuid.clone()),
            framework: c.framework.clone().map(ID),
            version: c.version,
            at: c.at.clone(),
            actor: c.actor.parse().map_err(|_| format!("actor {}", c.actor))?,
            by: c.by.clone(),
            job: c.job.clone(),
            operation: c
                .operation
                .parse()
                .map_err(|_| format!("operation {}", c.operation))?,
            fields: list(&c.id, &c.fields)?,
            edges_added: list(&c.id, &c.edges_added)?,
            edges_removed: list(&c.id, &c.edges_removed)?,
            seq: c.seq,
            reverts: c.reverts.clone(),
        })
    }
}

/// The fields that differ between two stored property maps (absent and null are the same),
/// in the order of `keys`.
pub fn field_changes(
    keys: &[&str],
    before: &serde_json::Map<String, serde_json::Value>,
    after: &serde_json::Map<String, serde_json::Value>,
) -> Vec<FieldChange> {
    let null = serde_json::Value::Null;
    keys.iter()
        .filter_map(|k| {
            let (b, a) = (
                before.get(*k).unwrap_or(&null),
                after.get(*k).unwrap_or(&null),
            );
            (!same(b, a)).then(|| FieldChange {
                field: k.to_string(),
                before: Json(b.clone()),
                after: Json(a.clone()),
            })
        })
        .collect()
}

/// Equal as stored: an empty list is no value, and numbers compare as numbers (`1` and `1.0`).
pub fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    let empty = |v: &V| v.is_null() || v.as_array().is_some_and(|l| l.is_empty());
    match (a, b) {
        (V::Number(x), V::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b || (empty(a) && empty(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_that_differ_are_changes() {
        let before = json!({"name": "A", "keywords": [], "weight": 1})
            .as_object()
            .cloned();
        let after = json!({"name": "B", "weight": 1.0, "description": "d"})
            .as_object()
            .cloned();
        let changes = field_changes(
            &["name", "keywords", "weight", "description", "author"],
            &before.unwrap(),
            &after.unwrap(),
        );
        let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "description"]);
        assert_eq!(changes[0].before.0, json!("A"));
        assert_eq!(changes[1].before.0, json!(null));
    }

    #[test]
    fn a_stored_change_reads_back() {
        let new = NewChange::new(
            Actor::Curator,
            "ed",
            ChangeOperation::AddParent,
            &[],
            &[EdgeChange::parent(Some("p"), Some("urn:p"))],
            &[],
        );
        let stored = StoredChange {
            id: "c".into(),
            skill_uuid: "s".into(),
            framework: None,
            version: 3,
            at: "t".into(),
            actor: new.actor.into(),
            by: new.by,
            job: new.job,
            operation: new.operation.into(),
            fields: new.fields,
            edges_added: new.edges_added,
            edges_removed: new.edges_removed,
            seq: Some(7),
            reverts: None,
        };
        let change = SkillChange::try_from(stored).unwrap();
        assert_eq!(change.operation, ChangeOperation::AddParent);
        assert_eq!(change.edges_added[0].target, Some(ID::from("p")));
        assert!(change.edges_removed.is_empty());
    }
}
