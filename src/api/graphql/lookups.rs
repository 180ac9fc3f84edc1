//! Reverse lookups: from a framework, an occupation (at any SOC level) or a credential back to
//! its skills, as connections in (name, uuid) order, each page one indexed statement.
use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};

use super::context::state;
use super::errors::db;
use super::pagination::{connection_cost, Edge, PageInfo, COUNT_COST};
use super::skills::matching;
use crate::graph::skill_filter::{Field, SkillFilter, Sort};
use crate::graph::skills;
use crate::model::{Credential, Framework, Skill};

/// A page of the skills a filter picks (a framework's, an occupation group's, a credential's).
async fn skills_page(
    ctx: &Context<'_>,
    filter: SkillFilter,
    first: i32,
    after: Option<&str>,
) -> Result<SkillsPage> {
    let (edges, page_info) = matching(ctx, &filter, Sort::Name, first, after).await?;
    Ok(SkillsPage {
        edges,
        page_info,
        filter,
    })
}

/// A page of the skills of a framework, an occupation group or a credential.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillsPage {
    pub edges: Vec<Edge<Skill>>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    filter: SkillFilter,
}

#[ComplexObject]
impl SkillsPage {
    /// How many skills, over all pages.
    #[graphql(complexity = "COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        skills::count(&state(ctx)?.graph, &self.filter)
            .await
            .map_err(db)
    }
    /// The skills of this page, without cursors.
    async fn nodes(&self) -> Vec<Skill> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// A framework and its skills.
pub struct FrameworkSkills(Framework);

#[Object]
impl FrameworkSkills {
    async fn framework(&self) -> &Framework {
        &self.0
    }
    /// Its skills by name.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<SkillsPage> {
        let filter = SkillFilter::framework(&self.0.stored.uuid);
        skills_page(ctx, filter, first, after.as_deref()).await
    }
}

/// An occupation code and the skills aligned to it or to any code below it.
pub struct OccupationSkills {
    code: String,
}

#[Object]
impl OccupationSkills {
    /// The code asked for.
    async fn code(&self) -> &str {
        &self.code
    }
    /// Skills aligned to this code or a code below it (`15-1200` lists those of `15-1252.00`),
    /// by name.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<SkillsPage> {
        let filter = SkillFilter::only(Field::Occupation, &self.code);
        skills_page(ctx, filter, first, after.as_deref()).await
    }
}

/// A credential and the skills aligned to it.
pub struct CredentialSkills(Credential);

#[Object]
impl CredentialSkills {
    async fn credential(&self) -> &Credential {
        &self.0
    }
    /// Skills aligned to the credential, by name.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<SkillsPage> {
        let filter = SkillFilter::only(Field::Credential, &self.0.uri);
        skills_page(ctx, filter, first, after.as_deref()).await
    }
}

#[derive(Default)]
pub struct LookupQuery;

#[Object]
impl LookupQuery {
    /// A framework by its uuid or URI, with its skills; null when there is none.
    async fn framework(&self, ctx: &Context<'_>, id: ID) -> Result<Option<FrameworkSkills>> {
        let found = skills::framework(&state(ctx)?.graph, &id)
            .await
            .map_err(db)?;
        Ok(found.map(FrameworkSkills))
    }
    /// An occupation code at any O*NET-SOC level (`15-0000`, `15-1200`, `15-1250`, `15-1252`,
    /// `15-1252.00`) or another classification's code, with the skills aligned to it or below.
    async fn occupation(&self, code: String) -> OccupationSkills {
        OccupationSkills {
            code: code.trim().to_string(),
        }
    }
    /// A credential by its URI, with its skills; null when there is none.
    async fn credential(&self, ctx: &Context<'_>, uri: String) -> Result<Option<CredentialSkills>> {
        let found = skills::credential(&state(ctx)?.graph, &uri)
            .await
            .map_err(db)?;
        Ok(found.map(CredentialSkills))
    }
}
