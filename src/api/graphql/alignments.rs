//! A skill's alignments: to other skills (grouped by source), credentials and occupations.
//! Each alignment has an id of its own (its edge's), so caching clients never merge two.
use async_graphql::{Context, Object, ObjectType, Result, SimpleObject, ID};

use super::context::loaders;
use super::loaders::load;
use super::node;
use crate::model::{by_source, AlignmentEdge, Credential, Occupation, Skill};

/// The alignments of one skill. Each field loads lazily, batched across skills.
pub struct Alignments {
    pub(super) uuid: String,
}

#[Object]
impl Alignments {
    /// Alignments to other skills, one entry per source.
    async fn skill_alignment(&self, ctx: &Context<'_>) -> Result<Vec<SourceAlignment>> {
        let found = load(&loaders(ctx)?.alignments, &self.uuid).await?;
        Ok(SourceAlignment::group(&self.uuid, found))
    }
    async fn credential_alignment(&self, ctx: &Context<'_>) -> Result<Vec<AlignedCredential>> {
        let found = load(&loaders(ctx)?.credentials, &self.uuid).await?;
        Ok(found
            .into_iter()
            .map(|a| Aligned::new(&self.uuid, a))
            .collect())
    }
    async fn role_alignment(&self, ctx: &Context<'_>) -> Result<RoleAlignment> {
        let found = load(&loaders(ctx)?.occupations, &self.uuid).await?;
        Ok(RoleAlignment {
            onet: found
                .into_iter()
                .map(|a| Aligned::new(&self.uuid, a))
                .collect(),
        })
    }
}

/// The skills one source aligns a skill to: asserted (`aligned`) and inferred (`suggested`).
#[derive(SimpleObject)]
pub struct SourceAlignment {
    pub source: String,
    pub aligned: Vec<AlignedSkill>,
    pub suggested: Vec<AlignedSkill>,
}

impl SourceAlignment {
    pub(super) fn group(from: &str, edges: Vec<(AlignmentEdge, Skill)>) -> Vec<Self> {
        let items = |list: Vec<(AlignmentEdge, Skill)>| {
            list.into_iter()
                .map(|(edge, skill)| AlignedSkill::new(from, edge, skill))
                .collect()
        };
        by_source(edges)
            .into_iter()
            .map(|g| SourceAlignment {
                source: g.source,
                aligned: items(g.aligned),
                suggested: items(g.suggested),
            })
            .collect()
    }
}

/// One alignment of a skill to another: per edge, so its `id` is the edge's own (the aligned
/// skill is `skill`, with its own `id`).
#[derive(SimpleObject)]
pub struct AlignedSkill {
    /// This alignment's own id (from, to, source and kind): caching clients never merge two
    /// alignments to one skill.
    pub id: ID,
    /// uuid of the aligned skill.
    pub uuid: ID,
    pub name: Option<String>,
    pub score: Option<f64>,
    /// exact, major, minor, broad or narrow.
    pub alignment_type: Option<String>,
    pub source_uri: Option<String>,
    /// The aligned skill itself, for further nesting.
    pub skill: Skill,
}

impl AlignedSkill {
    fn new(from: &str, edge: AlignmentEdge, skill: Skill) -> Self {
        let to = &skill.stored.uuid;
        let key = format!(
            "{from}:{}:{}:{}",
            to.as_str(),
            edge.source.as_deref().unwrap_or_default(),
            edge.kind.map(<&str>::from).unwrap_or_default()
        );
        Self {
            id: node::id(node::Kind::AlignedSkill, &key),
            uuid: to.clone(),
            name: skill.props.name.clone(),
            score: edge.score,
            alignment_type: edge.alignment_type,
            source_uri: skill.stored.uri.clone(),
            skill,
        }
    }
}

/// A credential or occupation a skill is aligned to, with who said so. Per edge: its `id` is
/// its own, not the credential's or occupation's.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "AlignedCredential", params(Credential)),
    concrete(name = "AlignedOccupation", params(Occupation))
)]
pub struct Aligned<T: ObjectType + node::Target> {
    /// This alignment's own id (skill, target and source).
    pub id: ID,
    #[graphql(flatten)]
    pub target: T,
    pub source: Option<String>,
    pub score: Option<f64>,
}

impl<T: ObjectType + node::Target> Aligned<T> {
    pub(super) fn new(from: &str, (edge, target): (AlignmentEdge, T)) -> Self {
        let key = format!(
            "{from}:{}:{}",
            target.key(),
            edge.source.as_deref().unwrap_or_default()
        );
        Self {
            id: node::id(T::KIND, &key),
            target,
            source: edge.source,
            score: edge.score,
        }
    }
}

pub type AlignedCredential = Aligned<Credential>;
pub type AlignedOccupation = Aligned<Occupation>;

#[derive(SimpleObject)]
pub struct RoleAlignment {
    pub onet: Vec<AlignedOccupation>,
}
