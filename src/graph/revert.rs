//! Undoing an import: what one job changed is restored skill by skill (fields to their values
//! before, edges it added removed, edges it removed added back, skills it created deleted),
//! unless a later change touched the same field or edge: then nothing is changed and the
//! conflicts are listed. Read from the job's recorded changes; the revert records its own, so a
//! revert can be reverted too.
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};

use super::cypher;
use super::import_merge::{ImportLog, Written};
use super::listing::PageAt;
use super::{curation, generation, now, param, Graph, GraphError, GraphResult};
use crate::model::{ChangeOperation, EdgeChange, EdgeKind, FieldChange, NewChange, SkillChange};

/// Skills restored per statement.
const BATCH: usize = 500;

/// A later change that keeps a revert from restoring a skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub skill: String,
    pub message: String,
}

#[derive(Debug)]
pub enum Reverted {
    Done(Written),
    /// Nothing was changed.
    Conflicts(Vec<Conflict>),
}

/// An alignment's identity as `revert_skills.cypher` matches it: target URI, source, type.
fn alignment_id(e: &EdgeChange) -> String {
    format!(
        "{}|{}|{}",
        e.target_uri.as_deref().unwrap_or_default(),
        e.source.as_deref().unwrap_or_default(),
        e.alignment_type.as_deref().unwrap_or_default()
    )
}

/// An edge's identity: kind, target URI, and an alignment's source and type.
fn key(e: &EdgeChange) -> String {
    match e.kind {
        EdgeKind::Parent => format!("parent|{}", e.target_uri.as_deref().unwrap_or_default()),
        EdgeKind::Alignment => format!("alignment|{}", alignment_id(e)),
    }
}

/// What the job did to one skill, folded over its changes in order.
#[derive(Default)]
struct Done {
    first_version: i64,
    created: bool,
    /// Each field's value before the job and after it.
    fields: BTreeMap<String, (Value, Value)>,
    added: HashMap<String, EdgeChange>,
    removed: HashMap<String, EdgeChange>,
}

impl Done {
    fn fold(changes: &[&SkillChange]) -> Self {
        let mut d = Done {
            first_version: changes.first().map_or(0, |c| c.version),
            ..Done::default()
        };
        for c in changes {
            d.created |= c.operation == ChangeOperation::CreateSkill;
            for f in &c.fields {
                let entry = d
                    .fields
                    .entry(f.field.clone())
                    .or_insert_with(|| (f.before.0.clone(), Value::Null));
                entry.1 = f.after.0.clone();
            }
            for e in &c.edges_removed {
                if d.added.remove(&key(e)).is_none() || d.removed.contains_key(&key(e)) {
                    d.removed.entry(key(e)).or_insert_with(|| e.clone());
                }
            }
            for e in &c.edges_added {
                d.added.insert(key(e), e.clone());
            }
        }
        d
    }

    /// What a later change touched of what the job did.
    fn conflicts(&self, uuid: &str, later: &SkillChange) -> Vec<Conflict> {
        let mut out = vec![];
        let op: &str = later.operation.into();
        for f in &later.fields {
            if self.fields.contains_key(&f.field) {
                out.push(Conflict {
                    skill: uuid.to_string(),
                    message: format!(
                        "{} was changed later by {} ({op}, version {})",
                        f.field, later.by, later.version
                    ),
                });
            }
        }
        for e in later.edges_added.iter().chain(&later.edges_removed) {
            let k = key(e);
            if self.added.contains_key(&k) || self.removed.contains_key(&k) {
                out.push(Conflict {
                    skill: uuid.to_string(),
                    message: format!(
                        "the {} edge to {} was changed later by {} ({op}, version {})",
                        e.kind,
                        e.target_uri.as_deref().unwrap_or_default(),
                        later.by,
                        later.version
                    ),
                });
            }
        }
        out
    }
}

/// One skill as `revert_skills.cypher` restores it.
#[derive(Serialize)]
struct Row {
    uuid: String,
    version: i64,
    set: Map<String, Value>,
    unlink_parents: Vec<String>,
    unalign: Vec<String>,
    link_parents: Vec<String>,
    align: Vec<Value>,
    delete: bool,
    change: Option<NewChange>,
}

/// Every change job `job` recorded, in the order it wrote them.
async fn changes_of_job(graph: &Graph, job: &str) -> GraphResult<Vec<SkillChange>> {
    let mut all = vec![];
    let mut at = PageAt::first(1_000);
    loop {
        let page = curation::job_changes(graph, job, &at).await?;
        let full = page.len() == at.limit;
        if let Some(last) = page.last() {
            at.after = Some((last.at.clone(), last.id.to_string()));
        }
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// Restores what job `job` changed, as the revert job `log` names; nothing if any later change
/// touched the same field or edge.
pub async fn revert(graph: &Graph, job: &str, log: &ImportLog) -> GraphResult<Reverted> {
    let changes = changes_of_job(graph, job).await?;
    let mut by_skill: BTreeMap<String, Vec<&SkillChange>> = BTreeMap::new();
    for c in &changes {
        by_skill
            .entry(c.skill_uuid.to_string())
            .or_default()
            .push(c);
    }
    let mut rows = vec![];
    let mut conflicts = vec![];
    let mut written = Written::default();
    let uuids: Vec<String> = by_skill.keys().cloned().collect();
    for chunk in uuids.chunks(BATCH) {
        let q = cypher::SKILLS_VERSIONS
            .bind()
            .param("uuids", chunk.to_vec());
        let versions: HashMap<String, i64> = graph
            .rows(q)
            .await?
            .iter()
            .map(|r| Ok((r.get("uuid")?, r.get("version")?)))
            .collect::<GraphResult<_>>()?;
        let q = cypher::CHANGES_OF_SKILLS
            .bind()
            .param("uuids", chunk.to_vec());
        let mut history: HashMap<String, Vec<SkillChange>> = HashMap::new();
        for c in curation::changes(graph, q).await? {
            history.entry(c.skill_uuid.to_string()).or_default().push(c);
        }
        for uuid in chunk {
            let mut ours = by_skill[uuid].clone();
            ours.sort_by_key(|c| c.version);
            let done = Done::fold(&ours);
            let Some(&version) = versions.get(uuid) else {
                conflicts.push(Conflict {
                    skill: uuid.clone(),
                    message: "the skill was deleted later".into(),
                });
                continue;
            };
            for later in history.get(uuid).into_iter().flatten() {
                if later.version > done.first_version && later.job.as_deref() != Some(job) {
                    conflicts.extend(done.conflicts(uuid, later));
                }
            }
            rows.push(restore(uuid, version, &done, log, &mut written));
        }
    }
    if !conflicts.is_empty() {
        return Ok(Reverted::Conflicts(conflicts));
    }
    for chunk in rows.chunks(BATCH) {
        let q = cypher::REVERT_SKILLS
            .bind()
            .param("rows", param(&chunk)?)
            .param("now", now());
        let done = graph.written(q).await?;
        let missed: Vec<&str> = chunk
            .iter()
            .map(|r| r.uuid.as_str())
            .filter(|u| !done.contains(*u))
            .collect();
        if !missed.is_empty() {
            return Err(GraphError::Contended(format!(
                "skills changed while the revert ran: {}",
                missed.join(", ")
            )));
        }
    }
    if !rows.is_empty() {
        generation::bump(graph).await?;
    }
    Ok(Reverted::Done(written))
}

/// The row that undoes `done` on skill `uuid` at `version`, counted into `written`.
fn restore(uuid: &str, version: i64, done: &Done, log: &ImportLog, written: &mut Written) -> Row {
    let fields: Vec<FieldChange> = done
        .fields
        .iter()
        .map(|(f, (before, after))| FieldChange {
            field: f.clone(),
            before: async_graphql::Json(after.clone()),
            after: async_graphql::Json(before.clone()),
        })
        .collect();
    let back: Vec<EdgeChange> = done.removed.values().cloned().collect();
    let gone: Vec<EdgeChange> = done.added.values().cloned().collect();
    let uri = |e: &EdgeChange| e.target_uri.clone().unwrap_or_default();
    let operation = if done.created {
        written.skills_removed += 1;
        ChangeOperation::DeleteSkill
    } else {
        written.skills_changed += 1;
        ChangeOperation::RevertImport
    };
    written.edges_added += back.len() as i64;
    written.edges_removed += gone.len() as i64;
    let change = log.record(operation, &fields, &back, &gone);
    written.unrecorded += i64::from(change.is_none());
    let is = |k: EdgeKind| move |e: &&EdgeChange| e.kind == k;
    Row {
        uuid: uuid.to_string(),
        version,
        set: done
            .fields
            .iter()
            .map(|(f, (before, _))| (f.clone(), before.clone()))
            .collect(),
        unlink_parents: gone.iter().filter(is(EdgeKind::Parent)).map(uri).collect(),
        unalign: gone
            .iter()
            .filter(is(EdgeKind::Alignment))
            .map(alignment_id)
            .collect(),
        link_parents: back.iter().filter(is(EdgeKind::Parent)).map(uri).collect(),
        align: back
            .iter()
            .filter(is(EdgeKind::Alignment))
            .map(|e| {
                serde_json::json!({
                    "uri": uri(e), "source": e.source, "alignment_type": e.alignment_type,
                    "kind": e.alignment_kind, "score": e.score,
                })
            })
            .collect(),
        delete: done.created,
        change,
    }
}
