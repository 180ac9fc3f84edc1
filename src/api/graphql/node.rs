//! Global object identification (Relay): every object a client may cache has an `id: ID!` that
//! names its type and key, and `node(id:)` fetches it again. Per-edge objects (alignments) have
//! ids of their own, so a normalising cache (Apollo, urql's graphcache, Relay) never merges two
//! different edges to one target. Ids are opaque to clients; here they read `Type:key`.
use async_graphql::{Context, Interface, Object, Result, ID};

use super::context::{caller, state};
use super::errors::{bad_input, db};
use crate::graph::{events, skills};
use crate::jobs::model::Job;
use crate::model::{Credential, Employee, Framework, Occupation, Skill, SkillEvent};

#[derive(Clone, Copy, Debug, PartialEq, strum::Display, strum::EnumString)]
pub enum Kind {
    Skill,
    Framework,
    Job,
    SkillEvent,
    Employee,
    AlignedSkill,
    AlignedCredential,
    AlignedOccupation,
}

pub fn id(kind: Kind, key: &str) -> ID {
    ID(format!("{kind}:{key}"))
}

/// A target of a per-edge alignment object, and the key that names it.
pub trait Target {
    const KIND: Kind;
    fn key(&self) -> &str;
}

impl Target for Credential {
    const KIND: Kind = Kind::AlignedCredential;
    fn key(&self) -> &str {
        &self.uri
    }
}

impl Target for Occupation {
    const KIND: Kind = Kind::AlignedOccupation;
    fn key(&self) -> &str {
        &self.code
    }
}

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Global identifier: the same object always has the same id."
))]
pub enum Node {
    Skill(Skill),
    Framework(Framework),
    Job(Job),
    SkillEvent(SkillEvent),
    Employee(Employee),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id; null when there is none.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let state = state(ctx)?;
        let bad = || {
            bad_input(format!(
                "{:?} is not an id this service gave out",
                id.as_str()
            ))
        };
        let (kind, key) = id.split_once(':').ok_or_else(bad)?;
        let g = &state.graph;
        Ok(match kind.parse::<Kind>().map_err(|_| bad())? {
            Kind::Skill => skills::by_uuid(g, key)
                .await
                .map_err(db)?
                .filter(|s| s.props.name.is_some())
                .map(Node::Skill),
            Kind::Framework => skills::framework_by_uuid(g, key)
                .await
                .map_err(db)?
                .map(Node::Framework),
            Kind::Job => {
                let who = caller(ctx)?;
                state
                    .visible_job(who, key)
                    .await
                    .map_err(db)?
                    .map(Node::Job)
            }
            Kind::SkillEvent => events::by_external_id(g, key)
                .await
                .map_err(db)?
                .map(Node::SkillEvent),
            Kind::Employee => events::employee(g, key)
                .await
                .map_err(db)?
                .map(Node::Employee),
            // Edges are fetched with the skill they belong to.
            Kind::AlignedSkill | Kind::AlignedCredential | Kind::AlignedOccupation => None,
        })
    }
}
