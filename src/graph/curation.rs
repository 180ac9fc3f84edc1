//! People's writes to the skill graph: each made at the version of the skill its author read
//! (refused when the skill has changed since: optimistic concurrency), each recorded as a
//! change with the fields before and after and the edges added and removed.
use serde_json::{Map, Value};

use super::cypher::{self, Bound, Statement};
pub use super::import_merge::HISTORY_PER_SKILL;
use super::import_merge::{curated_of, version_of};
use super::listing::{Order, PageAt};
use super::{generation, now, param, skills, Graph, GraphError, GraphResult};
use crate::model::{
    field_changes, Actor, AlignmentKind, ChangeOperation, EdgeChange, EdgeKind, FieldChange,
    NewChange, Skill, SkillChange, SkillProps, StoredChange,
};

/// The source of the alignments a curator adds.
pub const CURATION_SOURCE: &str = "curation";

/// The field a curator's note is stored in (not one an import writes).
pub const NOTE: &str = "note";

#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    #[error("there is no skill {0}")]
    NotFound(String),
    #[error("skill {uuid} is at version {current}, not {expected}: read it again")]
    Conflict {
        uuid: String,
        expected: i64,
        current: i64,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

pub type CurationResult<T> = Result<T, CurationError>;

/// One alignment of a skill to another, as a curation names it.
#[derive(Debug, Clone)]
pub struct AlignmentKey {
    pub target: String,
    pub alignment_type: String,
    /// Who asserted it; the curator's own are [`CURATION_SOURCE`].
    pub source: String,
}

/// What a curator does to an existing skill.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Sets the given fields (stored names; null clears one); `note` among them is the note.
    Update(Map<String, Value>),
    Delete,
    AddParent(String),
    RemoveParent(String),
    AddAlignment {
        target: String,
        alignment_type: String,
        score: Option<f64>,
    },
    RemoveAlignment(AlignmentKey),
    AcceptAlignment(AlignmentKey),
    RejectAlignment(AlignmentKey),
}

impl Edit {
    fn operation(&self) -> ChangeOperation {
        use ChangeOperation as O;
        match self {
            Edit::Update(_) => O::UpdateSkill,
            Edit::Delete => O::DeleteSkill,
            Edit::AddParent(_) => O::AddParent,
            Edit::RemoveParent(_) => O::RemoveParent,
            Edit::AddAlignment { .. } => O::AddAlignment,
            Edit::RemoveAlignment(_) => O::RemoveAlignment,
            Edit::AcceptAlignment(_) => O::AcceptAlignment,
            Edit::RejectAlignment(_) => O::RejectAlignment,
        }
    }

    /// The other skill the edit names, which must exist.
    fn target(&self) -> Option<&str> {
        match self {
            Edit::Update(_) | Edit::Delete => None,
            Edit::AddParent(t) | Edit::RemoveParent(t) => Some(t),
            Edit::AddAlignment { target, .. } => Some(target),
            Edit::RemoveAlignment(k) | Edit::AcceptAlignment(k) | Edit::RejectAlignment(k) => {
                Some(&k.target)
            }
        }
    }
}

/// A skill as stored: every property, by name.
async fn stored(graph: &Graph, uuid: &str) -> GraphResult<Option<Map<String, Value>>> {
    graph
        .one(cypher::SKILL_BY_UUID.bind().param("uuid", uuid), "skill")
        .await
}

/// Refuses a field a curator may not set: only an import's, and the note.
fn check_writable(set: &Map<String, Value>) -> CurationResult<()> {
    match set
        .keys()
        .find(|k| k.as_str() != NOTE && !SkillProps::FIELDS.contains(&k.as_str()))
    {
        Some(bad) => Err(CurationError::Invalid(format!(
            "{bad} is not a skill field"
        ))),
        None => Ok(()),
    }
}

/// Creates a skill with the given fields (stored names), in the framework with uuid
/// `framework` when one is named; every field given is the curator's.
pub async fn create(
    graph: &Graph,
    by: &str,
    set: Map<String, Value>,
    framework: Option<&str>,
) -> CurationResult<Skill> {
    check_writable(&set)?;
    if let Some(f) = framework {
        if skills::framework_by_uuid(graph, f).await?.is_none() {
            return Err(CurationError::NotFound(format!("framework {f}")));
        }
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let fields = field_changes(&keys(&set), &Map::new(), &set);
    let change = NewChange::new(
        Actor::Curator,
        by,
        ChangeOperation::CreateSkill,
        &fields,
        &[],
        &[],
    );
    let q = cypher::CURATE_CREATE_SKILL
        .bind()
        .param("framework", framework)
        .param("uri", format!("urn:skillgraph:skill:{uuid}"))
        .param("uuid", uuid)
        .param("set", param(&set)?)
        .param("curated", curated_fields(&[], &set))
        .param("now", now())
        .param("change", param(&change)?);
    let skill = graph.one(q, "skill").await?;
    generation::bump(graph).await?;
    skill.ok_or_else(|| GraphError::Decode("a created skill was not returned".into()).into())
}

fn keys(set: &Map<String, Value>) -> Vec<&str> {
    set.keys().map(String::as_str).collect()
}

/// The import fields curators own once `set` is applied: those before and those set now, in
/// the order [`SkillProps::FIELDS`] declares them.
fn curated_fields(before: &[String], set: &Map<String, Value>) -> Vec<String> {
    SkillProps::FIELDS
        .iter()
        .filter(|f| before.iter().any(|b| b == *f) || set.contains_key(**f))
        .map(|f| f.to_string())
        .collect()
}

/// Applies `edit` to the skill `uuid` at `version`; the skill after it (None once deleted).
pub async fn edit(
    graph: &Graph,
    by: &str,
    uuid: &str,
    version: i64,
    edit: Edit,
) -> CurationResult<Option<Skill>> {
    let Some(before) = stored(graph, uuid).await? else {
        return Err(CurationError::NotFound(uuid.to_string()));
    };
    let conflict = |current| CurationError::Conflict {
        uuid: uuid.to_string(),
        expected: version,
        current,
    };
    if version_of(&before) != version {
        return Err(conflict(version_of(&before)));
    }
    let mut target_uri = None;
    if let Some(t) = edit.target() {
        if t == uuid {
            return Err(CurationError::Invalid("a skill cannot name itself".into()));
        }
        let Some(target) = stored(graph, t).await? else {
            return Err(CurationError::NotFound(t.to_string()));
        };
        target_uri = target.get("uri").and_then(Value::as_str).map(String::from);
    }
    let target_uri = target_uri.as_deref();
    let parent = match &edit {
        Edit::AddParent(t) => Some(t.as_str()),
        _ => None,
    };
    if let Some(p) = parent {
        refuse_cycle(graph, uuid, p).await?;
    }
    let (statement, fields, added, removed, extra) =
        plan(graph, by, uuid, &before, &edit, target_uri).await?;
    let change = NewChange::new(
        Actor::Curator,
        by,
        edit.operation(),
        &fields,
        &added,
        &removed,
    );
    let mut q = statement
        .bind()
        .param("uuid", uuid)
        .param("version", version)
        .param("target", edit.target())
        .param("parent", parent)
        .param("now", now())
        .param("change", param(&change)?)
        .param("keep", HISTORY_PER_SKILL);
    for (name, value) in extra {
        q = q.param(name, value);
    }
    let rows = graph.rows(q).await?;
    let done = match &edit {
        Edit::Delete => rows
            .first()
            .map(|r| r.get::<i64>("deleted"))
            .transpose()?
            .is_some_and(|n| n > 0),
        _ => !rows.is_empty(),
    };
    if !done && !recorded(graph, &change.id).await? {
        // Changed or deleted between the read and the write, or a parent linked meanwhile
        // that makes this one close a cycle.
        return Err(match stored(graph, uuid).await? {
            Some(now) => {
                if let (true, Some(p)) = (version_of(&now) == version, parent) {
                    refuse_cycle(graph, uuid, p).await?;
                }
                conflict(version_of(&now))
            }
            None => CurationError::NotFound(uuid.to_string()),
        });
    }
    generation::bump(graph).await?;
    match edit {
        Edit::Delete => Ok(None),
        _ if done => Ok(Some(rows[0].get("skill")?)),
        // Applied, though its answer said otherwise: the skill as it is now.
        _ => Ok(graph
            .one(cypher::SKILL_BY_UUID.bind().param("uuid", uuid), "skill")
            .await?),
    }
}

/// Refuses linking `parent` as a parent of `uuid` where `uuid` is among its ancestors, naming
/// the cycle the link would close.
async fn refuse_cycle(graph: &Graph, uuid: &str, parent: &str) -> CurationResult<()> {
    let q = cypher::SKILL_PARENT_CYCLE
        .bind()
        .param("parent", parent)
        .param("uuid", uuid);
    match graph.one::<Vec<String>>(q, "path").await? {
        Some(path) => Err(CurationError::Invalid(format!(
            "{parent} descends from {uuid}; linking it as a parent would close the cycle {} → {}",
            path.last().map(String::as_str).unwrap_or_default(),
            path.join(" → ")
        ))),
        None => Ok(()),
    }
}

/// Whether the change `id` was recorded. ArcadeDB, whose transactions are optimistic, may run a
/// statement again after a conflicting commit; the run that was applied can be the one whose
/// answer is lost, and the run that answers finds the version already moved.
async fn recorded(graph: &Graph, id: &str) -> GraphResult<bool> {
    let q = cypher::CHANGE_RECORDED.bind().param("id", id);
    Ok(graph.one::<i64>(q, "n").await?.unwrap_or(0) > 0)
}

type Plan = (
    &'static Statement,
    Vec<FieldChange>,
    Vec<EdgeChange>,
    Vec<EdgeChange>,
    Vec<(&'static str, neo4rs::BoltType)>,
);

/// The statement of an edit, what it changes, and its parameters beyond the head's; refuses
/// an edit that changes nothing it names (an edge that is not there).
async fn plan(
    graph: &Graph,
    by: &str,
    uuid: &str,
    before: &Map<String, Value>,
    edit: &Edit,
    target_uri: Option<&str>,
) -> CurationResult<Plan> {
    let by_param = || ("by", neo4rs::BoltType::from(by));
    let parent = |t: &str| EdgeChange::parent(Some(t), target_uri);
    let alignment =
        |k: &AlignmentKey, kind: Option<AlignmentKind>, score: Option<f64>| EdgeChange {
            kind: EdgeKind::Alignment,
            target: Some(k.target.as_str().into()),
            target_uri: target_uri.map(String::from),
            source: Some(k.source.clone()),
            alignment_type: Some(k.alignment_type.clone()),
            alignment_kind: kind.map(|k| <&str>::from(k).to_string()),
            score,
        };
    let key_params = |k: &AlignmentKey| {
        vec![
            ("source", neo4rs::BoltType::from(k.source.as_str())),
            ("alignment_type", k.alignment_type.as_str().into()),
        ]
    };
    Ok(match edit {
        Edit::Update(set) => {
            check_writable(set)?;
            let fields = field_changes(&keys(set), before, set);
            let curated = curated_fields(&curated_of(before), set);
            let extra = vec![("set", param(set)?), ("curated", param(&curated)?)];
            (&cypher::CURATE_UPDATE, fields, vec![], vec![], extra)
        }
        Edit::Delete => {
            let gone: Map<String, Value> = Map::new();
            let fields = field_changes(SkillProps::FIELDS, before, &gone);
            (&cypher::CURATE_DELETE, fields, vec![], vec![], vec![])
        }
        Edit::AddParent(t) | Edit::RemoveParent(t) => {
            let parents = skills::parents(graph, &[uuid.to_string()]).await?;
            let linked = parents
                .get(uuid)
                .is_some_and(|ps| ps.iter().any(|p| p.stored.uuid.as_str() == t));
            if matches!(edit, Edit::AddParent(_)) {
                if linked {
                    return Err(CurationError::Invalid(format!("{t} is a parent already")));
                }
                let params = vec![by_param()];
                (
                    &cypher::CURATE_ADD_PARENT,
                    vec![],
                    vec![parent(t)],
                    vec![],
                    params,
                )
            } else {
                if !linked {
                    return Err(CurationError::Invalid(format!("{t} is not a parent")));
                }
                (
                    &cypher::CURATE_REMOVE_PARENT,
                    vec![],
                    vec![],
                    vec![parent(t)],
                    vec![],
                )
            }
        }
        Edit::AddAlignment {
            target,
            alignment_type,
            score,
        } => {
            let key = AlignmentKey {
                target: target.clone(),
                alignment_type: alignment_type.clone(),
                source: CURATION_SOURCE.into(),
            };
            let mut params = key_params(&key);
            params.push(("score", param(score)?));
            params.push(by_param());
            let added = alignment(&key, Some(AlignmentKind::Aligned), *score);
            (
                &cypher::CURATE_ADD_ALIGNMENT,
                vec![],
                vec![added],
                vec![],
                params,
            )
        }
        Edit::RemoveAlignment(k) | Edit::AcceptAlignment(k) | Edit::RejectAlignment(k) => {
            let found = skills::alignments(graph, &[uuid.to_string()]).await?;
            let edge = found.get(uuid).and_then(|edges| {
                edges.iter().find(|(e, s)| {
                    s.stored.uuid.as_str() == k.target
                        && e.source.as_deref() == Some(k.source.as_str())
                        && e.alignment_type.as_deref() == Some(k.alignment_type.as_str())
                })
            });
            let Some((edge, _)) = edge else {
                return Err(CurationError::Invalid(format!(
                    "skill {uuid} has no {} alignment to {} from {}",
                    k.alignment_type, k.target, k.source
                )));
            };
            let suggested = edge.kind == Some(AlignmentKind::Suggested);
            let was = alignment(k, edge.kind, edge.score);
            match edit {
                Edit::AcceptAlignment(_) | Edit::RejectAlignment(_) if !suggested => {
                    return Err(CurationError::Invalid(
                        "only a suggested alignment is accepted or rejected".into(),
                    ))
                }
                Edit::AcceptAlignment(_) => {
                    let mut params = key_params(k);
                    params.push(by_param());
                    let now = alignment(k, Some(AlignmentKind::Aligned), edge.score);
                    let s = &cypher::CURATE_ACCEPT_ALIGNMENT;
                    (s, vec![], vec![now], vec![was], params)
                }
                // Remove and reject: the edge goes, the statement keeps an import's from coming back.
                _ => (
                    &cypher::CURATE_REMOVE_ALIGNMENT,
                    vec![],
                    vec![],
                    vec![was],
                    key_params(k),
                ),
            }
        }
    })
}

/// The changes a statement returns (column `change`), decoded.
pub(super) async fn changes(graph: &Graph, q: Bound) -> GraphResult<Vec<SkillChange>> {
    let stored: Vec<StoredChange> = graph.column(q, "change").await?;
    stored
        .into_iter()
        .map(|c| SkillChange::try_from(c).map_err(GraphError::Decode))
        .collect()
}

/// A page of the changes of skill `uuid`, newest first, those before version `before`.
pub async fn history(
    graph: &Graph,
    uuid: &str,
    before: i64,
    limit: i64,
) -> GraphResult<Vec<SkillChange>> {
    let q = cypher::SKILL_HISTORY
        .bind()
        .param("uuid", uuid)
        .param("before", before)
        .param("limit", limit);
    changes(graph, q).await
}

/// A page of what job `job` changed, in the order it wrote.
pub async fn job_changes(graph: &Graph, job: &str, at: &PageAt) -> GraphResult<Vec<SkillChange>> {
    let q = cypher::JOB_CHANGES.bind().param("job", job);
    changes(graph, at.bind(q, Order::Ascending, "after_at", "after_id")).await
}

/// The changes numbered after `after` in the change log, in order, at most `limit`.
pub async fn changes_after(graph: &Graph, after: i64, limit: i64) -> GraphResult<Vec<SkillChange>> {
    let q = cypher::CHANGES_AFTER
        .bind()
        .param("after", after)
        .param("limit", limit);
    changes(graph, q).await
}

/// The number and id of the last change committed (0 and None before any).
pub async fn change_log_position(graph: &Graph) -> GraphResult<(i64, Option<String>)> {
    let rows = graph.rows(cypher::CHANGE_LOG_POSITION.bind()).await?;
    match rows.first() {
        Some(r) => Ok((r.get("seq")?, r.get("id")?)),
        None => Ok((0, None)),
    }
}

/// The number of change `id`, if it is recorded (changes recorded before numbering have none).
pub async fn change_position(graph: &Graph, id: &str) -> GraphResult<Option<i64>> {
    let q = cypher::CHANGE_POSITION.bind().param("id", id);
    Ok(graph.one::<Option<i64>>(q, "seq").await?.flatten())
}
