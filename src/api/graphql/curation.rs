//! Curation mutations: people create, correct, link and align skills. Editors curate; only
//! admins delete. Each edit names the skill's `version` as the curator read it and is refused
//! with `CONFLICT` when the skill has changed since; each is recorded in the skill's `history`.
use std::sync::Arc;

use async_graphql::{
    ComplexObject, Context, ErrorExtensions, InputObject, MaybeUndefined, Object, Result,
    SimpleObject, Subscription, ID,
};
use futures::{Stream, StreamExt};
use serde_json::{Map, Value};

use super::context::{require, state, subscription_slots};
use super::errors::{bad_input, coded, db, limited, not_found, ErrorCode};
use super::pagination::{edges_by, keyset, Edge, PageInfo};
use crate::api::auth::{Identity, Role};
use crate::api::change_feed::FeedError;
use crate::graph::curation::{self, AlignmentKey, CurationError, Edit, NOTE};
use crate::ingest::credential_engine::ctdl::{is_alignment_type, list_order};
use crate::ingest::text;
use crate::model::{Progress, Skill, SkillChange};

/// Most items a curator may set in one list.
const MAX_ITEMS: usize = 200;

/// The fields of a skill a curator sets: those imports write, and a note. On `updateSkill` an
/// absent field stays as it is and null clears it; on `createSkill` `name` is required.
#[derive(InputObject, Default)]
pub struct SkillFieldsInput {
    pub name: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    pub keywords: MaybeUndefined<Vec<String>>,
    pub author: MaybeUndefined<String>,
    pub creator: MaybeUndefined<String>,
    pub reference_id: MaybeUndefined<String>,
    pub source_name: MaybeUndefined<String>,
    pub type_id: MaybeUndefined<String>,
    pub type_name: MaybeUndefined<String>,
    pub organizations: MaybeUndefined<Vec<String>>,
    pub language: MaybeUndefined<String>,
    /// Position in the framework's list (its order follows, numbers compared as numbers).
    pub list_id: MaybeUndefined<String>,
    pub date_created: MaybeUndefined<String>,
    pub date_modified: MaybeUndefined<String>,
    pub education_levels: MaybeUndefined<Vec<String>>,
    pub complexity_levels: MaybeUndefined<Vec<String>>,
    pub weight: MaybeUndefined<f64>,
    pub comments: MaybeUndefined<Vec<String>>,
    pub industries: MaybeUndefined<Vec<String>>,
    /// A curator's note (imports never write it).
    pub note: MaybeUndefined<String>,
}

impl SkillFieldsInput {
    /// The fields given, by their stored names (null: clear), validated as imports validate
    /// text: no control characters or direction overrides, bounded lengths, a name not blank.
    fn to_set(&self) -> Result<Map<String, Value>> {
        let mut set = Map::new();
        let mut text = |field: &str, v: &MaybeUndefined<String>| -> Result<()> {
            match v {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => {
                    set.insert(field.into(), Value::Null);
                }
                MaybeUndefined::Value(s) => {
                    check_text(field, s)?;
                    set.insert(field.into(), Value::String(s.trim().to_string()));
                }
            }
            Ok(())
        };
        text("name", &self.name)?;
        text("description", &self.description)?;
        text("author", &self.author)?;
        text("creator", &self.creator)?;
        text("reference_id", &self.reference_id)?;
        text("source_name", &self.source_name)?;
        text("type_id", &self.type_id)?;
        text("type_name", &self.type_name)?;
        text("language", &self.language)?;
        text("list_id", &self.list_id)?;
        text("date_created", &self.date_created)?;
        text("date_modified", &self.date_modified)?;
        text(NOTE, &self.note)?;
        let mut list = |field: &str, v: &MaybeUndefined<Vec<String>>| -> Result<()> {
            match v {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => {
                    set.insert(field.into(), Value::Array(vec![]));
                }
                MaybeUndefined::Value(items) => {
                    if items.len() > MAX_ITEMS {
                        return Err(bad_input(format!("{field}: at most {MAX_ITEMS} items")));
                    }
                    for s in items {
                        check_text(field, s)?;
                    }
                    let items = items.iter().map(|s| Value::String(s.trim().into()));
                    set.insert(field.into(), Value::Array(items.collect()));
                }
            }
            Ok(())
        };
        list("keywords", &self.keywords)?;
        list("organizations", &self.organizations)?;
        list("education_levels", &self.education_levels)?;
        list("complexity_levels", &self.complexity_levels)?;
        list("comments", &self.comments)?;
        list("industries", &self.industries)?;
        match self.weight {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => {
                set.insert("weight".into(), Value::Null);
            }
            MaybeUndefined::Value(w) => {
                let n = serde_json::Number::from_f64(w)
                    .ok_or_else(|| bad_input("weight must be a finite number"))?;
                set.insert("weight".into(), Value::Number(n));
            }
        }
        if let Some(name) = set.get("name") {
            if name.as_str().is_none_or(text::is_blank) {
                return Err(bad_input("a skill's name cannot be blank"));
            }
        }
        // The listing's order follows the list id, as an import stores it.
        if let Some(id) = set.get("list_id").cloned() {
            let order = id.as_str().map(|s| Value::String(list_order(s)));
            set.insert("list_order".into(), order.unwrap_or(Value::Null));
        }
        Ok(set)
    }
}

/// The text rule every entry path applies (`ingest/text.rs`), as GraphQL errors.
fn check_text(field: &str, s: &str) -> Result<()> {
    text::check(field, s).map_err(|e| bad_input(e.to_string()))
}

fn checked_alignment_type(t: &str) -> Result<String> {
    if !is_alignment_type(t) {
        return Err(bad_input(format!(
            "{t:?} is not an alignment type (exact, major, minor, broad, narrow, prerequisite, align_to)"
        )));
    }
    Ok(t.to_string())
}

fn curation_error(e: CurationError) -> async_graphql::Error {
    match e {
        CurationError::NotFound(what) => {
            not_found(format!("there is no skill or framework {what}"))
        }
        CurationError::Conflict { current, .. } => coded(ErrorCode::Conflict, e.to_string())
            .extend_with(|_, x| x.set("currentVersion", current)),
        CurationError::Invalid(why) => bad_input(why),
        CurationError::Graph(e) => db(e),
    }
}

#[derive(Default)]
pub struct CurationMutation;

/// The caller, if it has `role`, charged one mutation: checked before the input is, so a
/// caller without the role learns nothing of what the input would have done.
fn curator<'a>(ctx: &Context<'a>, role: Role) -> Result<&'a Identity> {
    let who = require(ctx, role)?;
    state(ctx)?
        .caller_limits
        .charge_mutation(&who.name)
        .map_err(|e| limited(&e))?;
    Ok(who)
}

impl CurationMutation {
    /// Applies `edit` (the input as the resolver read it, or why it is wrong) as the caller,
    /// who needs `role`.
    async fn apply(
        ctx: &Context<'_>,
        role: Role,
        uuid: &ID,
        version: i64,
        edit: Result<Edit>,
    ) -> Result<Option<Skill>> {
        let who = curator(ctx, role)?;
        curation::edit(&state(ctx)?.graph, &who.name, uuid.as_str(), version, edit?)
            .await
            .map_err(curation_error)
    }

    async fn skill(
        ctx: &Context<'_>,
        uuid: &ID,
        version: i64,
        edit: Result<Edit>,
    ) -> Result<Skill> {
        Self::apply(ctx, Role::Editor, uuid, version, edit)
            .await?
            .ok_or_else(|| not_found(format!("there is no skill {}", uuid.as_str())))
    }
}

#[Object]
impl CurationMutation {
    /// Creates a skill (in the framework `frameworkUuid`, when given); its fields are the
    /// curator's, so no import overwrites them. Editors and admins.
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        input: SkillFieldsInput,
        framework_uuid: Option<ID>,
    ) -> Result<Skill> {
        let who = curator(ctx, Role::Editor)?;
        let set = input.to_set()?;
        if !set.get("name").is_some_and(Value::is_string) {
            return Err(bad_input("a new skill needs a name"));
        }
        let framework = framework_uuid.as_ref().map(|f| f.as_str());
        curation::create(&state(ctx)?.graph, &who.name, set, framework)
            .await
            .map_err(curation_error)
    }

    /// Sets the fields given (null clears one) on the skill at `version`. A field set here is
    /// the curator's from now on: imports leave it as it is. Editors and admins.
    async fn update_skill(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        input: SkillFieldsInput,
    ) -> Result<Skill> {
        let edit = input.to_set().and_then(|set| {
            if set.is_empty() {
                Err(bad_input("no field to set"))
            } else {
                Ok(Edit::Update(set))
            }
        });
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// Deletes the skill at `version` and its edges; its history stays. Admins only. Answers
    /// the uuid deleted.
    async fn delete_skill(&self, ctx: &Context<'_>, uuid: ID, version: i64) -> Result<ID> {
        Self::apply(ctx, Role::Admin, &uuid, version, Ok(Edit::Delete)).await?;
        Ok(uuid)
    }

    /// Links `parentUuid` as a parent of the skill; imports do not unlink it.
    async fn add_skill_parent(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        parent_uuid: ID,
    ) -> Result<Skill> {
        let edit = Ok(Edit::AddParent(parent_uuid.to_string()));
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// Unlinks a parent; if an import linked it, imports do not link it again.
    async fn remove_skill_parent(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        parent_uuid: ID,
    ) -> Result<Skill> {
        let edit = Ok(Edit::RemoveParent(parent_uuid.to_string()));
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// Aligns the skill to `targetUuid` (`alignmentType`: exact, major, minor, broad, narrow,
    /// prerequisite or align_to), from source `curation`; imports neither change nor remove it.
    async fn add_skill_alignment(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        target_uuid: ID,
        alignment_type: String,
        score: Option<f64>,
    ) -> Result<Skill> {
        let edit = if score.is_some_and(|s| !s.is_finite()) {
            Err(bad_input("score must be a finite number"))
        } else {
            checked_alignment_type(&alignment_type).map(|alignment_type| Edit::AddAlignment {
                target: target_uuid.to_string(),
                alignment_type,
                score,
            })
        };
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// Removes an alignment (named by target, type and source); if an import asserted it,
    /// imports do not assert it again.
    async fn remove_skill_alignment(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        target_uuid: ID,
        alignment_type: String,
        source: String,
    ) -> Result<Skill> {
        let edit = key(target_uuid, &alignment_type, source).map(Edit::RemoveAlignment);
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// A suggested alignment becomes aligned, the curator's: imports neither change nor
    /// remove it.
    async fn accept_skill_alignment(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        target_uuid: ID,
        alignment_type: String,
        source: String,
    ) -> Result<Skill> {
        let edit = key(target_uuid, &alignment_type, source).map(Edit::AcceptAlignment);
        Self::skill(ctx, &uuid, version, edit).await
    }

    /// Removes a suggested alignment; imports do not suggest it again.
    async fn reject_skill_alignment(
        &self,
        ctx: &Context<'_>,
        uuid: ID,
        version: i64,
        target_uuid: ID,
        alignment_type: String,
        source: String,
    ) -> Result<Skill> {
        let edit = key(target_uuid, &alignment_type, source).map(Edit::RejectAlignment);
        Self::skill(ctx, &uuid, version, edit).await
    }
}

fn key(target: ID, alignment_type: &str, source: String) -> Result<AlignmentKey> {
    Ok(AlignmentKey {
        target: target.to_string(),
        alignment_type: checked_alignment_type(alignment_type)?,
        source,
    })
}

/// One page of a skill's history, newest first.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillChangeConnection {
    pub edges: Vec<Edge<SkillChange>>,
    pub page_info: PageInfo,
}

#[ComplexObject]
impl SkillChangeConnection {
    /// The changes of this page, without cursors.
    async fn nodes(&self) -> Vec<SkillChange> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// The changes of skill `uuid` after the cursor `after`, newest first (a cursor is the change's
/// version, so a page holds its place as new changes come).
pub(super) async fn history(
    ctx: &Context<'_>,
    uuid: &str,
    first: i32,
    after: Option<&str>,
) -> Result<SkillChangeConnection> {
    let state = state(ctx)?;
    let at = keyset(first, after, state.config.limits.max_page_size)?;
    let before = match &at.after {
        None => i64::MAX,
        Some((version, _)) => version
            .parse()
            .map_err(|_| bad_input("not a cursor of a skill's history"))?,
    };
    let rows = curation::history(&state.graph, uuid, before, at.limit as i64)
        .await
        .map_err(db)?;
    let (edges, page_info) = edges_by(rows, &at, |c| (c.version.to_string(), c.id.to_string()));
    Ok(SkillChangeConnection { edges, page_info })
}

/// How much a job changed the graph: exact, however many changes its history holds.
#[derive(SimpleObject)]
pub struct ChangeCounts {
    pub skills_added: i64,
    pub skills_changed: i64,
    pub edges_added: i64,
    pub edges_changed: i64,
    pub edges_removed: i64,
    /// Values and edges the job left as a person had made them.
    pub changes_kept: i64,
    /// Changes made but not recorded (the job's history holds at most 100,000).
    pub unrecorded: i64,
}

impl From<&Progress> for ChangeCounts {
    fn from(p: &Progress) -> Self {
        Self {
            skills_added: p.skills_added,
            skills_changed: p.skills_changed,
            edges_added: p.edges_added,
            edges_changed: p.edges_changed,
            edges_removed: p.edges_removed,
            changes_kept: p.changes_kept,
            unrecorded: p.changes_unrecorded,
        }
    }
}

/// One page of what a job changed, in the order it wrote, with the job's counts.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct JobChangeConnection {
    pub counts: ChangeCounts,
    pub edges: Vec<Edge<SkillChange>>,
    pub page_info: PageInfo,
}

#[ComplexObject]
impl JobChangeConnection {
    /// The changes of this page, without cursors.
    async fn nodes(&self) -> Vec<SkillChange> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// The changes job `job` made after the cursor `after`, in the order it wrote.
pub(super) async fn job_changes(
    ctx: &Context<'_>,
    job: &str,
    progress: &Progress,
    first: i32,
    after: Option<&str>,
) -> Result<JobChangeConnection> {
    let state = state(ctx)?;
    let at = keyset(first, after, state.config.limits.max_page_size)?;
    let rows = curation::job_changes(&state.graph, job, &at)
        .await
        .map_err(db)?;
    let (edges, page_info) = edges_by(rows, &at, |c| (c.at.clone(), c.id.to_string()));
    Ok(JobChangeConnection {
        counts: progress.into(),
        edges,
        page_info,
    })
}

#[derive(Default)]
pub struct CurationSubscription;

#[Subscription]
impl CurationSubscription {
    /// Every change to the graph, a curator's or an import's, as it is committed, each once and
    /// in order: from now on, or after change `after` (an id: the last one a subscriber had,
    /// to resume). Of one framework's skills (`framework`, a uuid) or one skill (`skill`), or
    /// all. Reaches subscribers on every replica within the job watch interval (250 ms by
    /// default). A subscriber that falls further behind than its buffer gets
    /// `SUBSCRIBER_LAGGED` (with `extensions.resumeAfter`), then the subscription completes.
    async fn graph_changes(
        &self,
        ctx: &Context<'_>,
        framework: Option<ID>,
        skill: Option<ID>,
        after: Option<ID>,
    ) -> Result<impl Stream<Item = Result<Arc<SkillChange>>>> {
        // Held while the subscription runs: counted against the caller and the connection.
        let held = subscription_slots(ctx)?;
        let feed = state(ctx)?.change_feed.clone();
        let changes = feed
            .subscribe(after.as_ref().map(|a| a.as_str()))
            .await
            .map_err(feed_error)?;
        Ok(changes.filter_map(move |c| {
            let _ = &held;
            let item = match c {
                Ok(c) => {
                    let wanted = framework
                        .as_ref()
                        .is_none_or(|f| c.framework.as_ref() == Some(f))
                        && skill.as_ref().is_none_or(|s| &c.skill_uuid == s);
                    wanted.then_some(Ok(c))
                }
                Err(e) => Some(Err(feed_error(e))),
            };
            std::future::ready(item)
        }))
    }
}

fn feed_error(e: FeedError) -> async_graphql::Error {
    match e {
        FeedError::Lagged {
            ref resume_after, ..
        } => {
            let resume = resume_after.clone();
            coded(ErrorCode::SubscriberLagged, e.to_string())
                .extend_with(|_, x| x.set("resumeAfter", resume.clone()))
        }
        FeedError::UnknownChange(_) => bad_input(e.to_string()),
        FeedError::Graph(g) => db(g),
    }
}
