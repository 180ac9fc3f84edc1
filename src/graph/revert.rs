//! Undoing an import: what one job changed is restored skill by skill (fields to their values
//! before, edges it added removed, edges it removed added back, skills it created deleted),
//! unless a later change touched the same field or edge: that skill is left as it is and the
//! conflict listed. If a conflict is found before any skill is restored, nothing is. Read from
//! the job's recorded changes; the revert records its own (marked with the import it reverts),
//! so a revert run again after a crash skips what it restored, and a revert can be reverted too.
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};

use super::cypher;
use super::import_merge::{ImportLog, Written};
use super::listing::PageAt;
use super::{curation, generation, now, param, Graph, GraphError, GraphResult};
use crate::model::{ChangeOperation, EdgeChange, EdgeKind, FieldChange, NewChange, SkillChange};

/// Skills planned (and at most restored) per statement.
const BATCH: usize = 500;
/// Rounds of planning again the skills changed elsewhere while the revert wrote them.
const ATTEMPTS: usize = 5;

/// A later change that keeps a revert from restoring a skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub skill: String,
    pub message: String,
}

/// What a revert did, over every attempt of its job.
#[derive(Debug)]
pub struct Reverted {
    /// What the revert job restored, as its recorded changes say.
    pub written: Written,
    /// Later changes that kept skills from being restored; those skills are as they were.
    pub conflicts: Vec<Conflict>,
    /// Whether the conflicts were found before anything was restored: then nothing was.
    pub untouched: bool,
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

/// What stands for each skill of the import: rows to restore, conflicts, and how many were
/// restored already by an earlier run of a revert of it.
#[derive(Default)]
struct Plan {
    rows: Vec<Row>,
    conflicts: Vec<Conflict>,
    restored: usize,
}

/// Plans restoring `uuids`, from the import's changes `by_skill`, the skills' versions now and
/// their histories.
async fn plan(
    graph: &Graph,
    job: &str,
    log: &ImportLog,
    uuids: &[String],
    by_skill: &BTreeMap<String, Vec<&SkillChange>>,
) -> GraphResult<Plan> {
    let mut plan = Plan::default();
    let q = cypher::SKILLS_VERSIONS
        .bind()
        .param("uuids", uuids.to_vec());
    let versions: HashMap<String, i64> = graph
        .rows(q)
        .await?
        .iter()
        .map(|r| Ok((r.get("uuid")?, r.get("version")?)))
        .collect::<GraphResult<_>>()?;
    let q = cypher::CHANGES_OF_SKILLS
        .bind()
        .param("uuids", uuids.to_vec());
    let mut history: HashMap<String, Vec<SkillChange>> = HashMap::new();
    for c in curation::changes(graph, q).await? {
        history.entry(c.skill_uuid.to_string()).or_default().push(c);
    }
    let none = vec![];
    for uuid in uuids {
        let later = history.get(uuid).unwrap_or(&none);
        // Restored by a revert of this import already (this job before a crash, or one before).
        if later.iter().any(|c| c.reverts.as_deref() == Some(job)) {
            plan.restored += 1;
            continue;
        }
        let mut ours = by_skill[uuid].clone();
        ours.sort_by_key(|c| c.version);
        let done = Done::fold(&ours);
        let Some(&version) = versions.get(uuid) else {
            plan.conflicts.push(Conflict {
                skill: uuid.clone(),
                message: "the skill was deleted later".into(),
            });
            continue;
        };
        let found: Vec<Conflict> = later
            .iter()
            .filter(|c| c.version > done.first_version && c.job.as_deref() != Some(job))
            .flat_map(|c| done.conflicts(uuid, c))
            .collect();
        if found.is_empty() {
            plan.rows.push(restore(uuid, version, &done, job, log));
        } else {
            plan.conflicts.extend(found);
        }
    }
    Ok(plan)
}

/// Restores what job `job` changed, as the revert job `log` names, `batch` skills a statement.
/// A skill a later change touched in the same field or edge is left as it is; if any is found
/// before anything is restored, nothing is. A skill changed elsewhere while the revert runs is
/// planned again at its new version.
pub async fn revert(
    graph: &Graph,
    job: &str,
    log: &ImportLog,
    batch: usize,
) -> GraphResult<Reverted> {
    let changes = changes_of_job(graph, job).await?;
    let mut by_skill: BTreeMap<String, Vec<&SkillChange>> = BTreeMap::new();
    for c in &changes {
        by_skill
            .entry(c.skill_uuid.to_string())
            .or_default()
            .push(c);
    }
    let batch = batch.clamp(1, BATCH);
    let uuids: Vec<String> = by_skill.keys().cloned().collect();
    let mut all = Plan::default();
    for chunk in uuids.chunks(BATCH) {
        let p = plan(graph, job, log, chunk, &by_skill).await?;
        all.rows.extend(p.rows);
        all.conflicts.extend(p.conflicts);
        all.restored += p.restored;
    }
    let mut conflicts = all.conflicts;
    if !conflicts.is_empty() && all.restored == 0 {
        return Ok(Reverted {
            written: Written::default(),
            conflicts,
            untouched: true,
        });
    }
    let mut pending = all.rows;
    for _ in 0..ATTEMPTS {
        if pending.is_empty() {
            break;
        }
        let mut missed = vec![];
        for chunk in pending.chunks(batch) {
            let q = cypher::REVERT_SKILLS
                .bind()
                .param("rows", param(&chunk)?)
                .param("now", now());
            let done = graph.written(q).await?;
            generation::bump(graph).await?;
            missed.extend(
                chunk
                    .iter()
                    .filter(|r| !done.contains(&r.uuid))
                    .map(|r| r.uuid.clone()),
            );
        }
        // Changed while the revert ran: planned again as they are now.
        let again = plan(graph, job, log, &missed, &by_skill).await?;
        conflicts.extend(again.conflicts);
        pending = again.rows;
    }
    if let Some(first) = pending.first() {
        return Err(GraphError::Contended(format!(
            "{} skills kept changing while the revert ran, {} first",
            pending.len(),
            first.uuid
        )));
    }
    Ok(Reverted {
        written: recorded(graph, log.job()).await?,
        conflicts,
        untouched: false,
    })
}

/// What revert job `revert_job` restored, from the changes it recorded (over all its attempts,
/// so a run resumed after a crash counts what the first run did too).
async fn recorded(graph: &Graph, revert_job: &str) -> GraphResult<Written> {
    let mut w = Written::default();
    for c in changes_of_job(graph, revert_job).await? {
        match c.operation {
            ChangeOperation::DeleteSkill => w.skills_removed += 1,
            _ => w.skills_changed += 1,
        }
        w.edges_added += c.edges_added.len() as i64;
        w.edges_removed += c.edges_removed.len() as i64;
    }
    Ok(w)
}

/// The row that undoes `done` (of import `job`) on skill `uuid` at `version`.
fn restore(uuid: &str, version: i64, done: &Done, job: &str, log: &ImportLog) -> Row {
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
        ChangeOperation::DeleteSkill
    } else {
        ChangeOperation::RevertImport
    };
    // Always recorded: a revert run again finds what it restored by it.
    let mut change = NewChange::new(
        crate::model::Actor::Import,
        log.job(),
        operation,
        &fields,
        &back,
        &gone,
    );
    change.reverts = Some(job.to_string());
    let change = Some(change);
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
