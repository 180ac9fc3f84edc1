//! Facets for a filter panel: the skills a listing's filter matches, counted per framework,
//! source, occupation major group and education level, in one round trip (one statement per
//! facet asked for, each the listing's own filter with a counting tail).
use async_graphql::{Context, Object, Result, SimpleObject};

use super::context::state;
use super::errors::db;
use super::filters::{filter_cost, skill_filter, SkillFilterInput};
use super::pagination::COUNT_COST;
use crate::graph::skill_filter::{Facet, SkillFilter};
use crate::graph::skills::{self, FacetCount};

/// One value of a facet and how many matching skills have it.
#[derive(SimpleObject)]
pub struct FacetValue {
    /// What to filter by: a framework's uuid, a source name, a major group code, a level.
    pub value: String,
    /// What to show (a framework's name; otherwise the value).
    pub label: Option<String>,
    pub count: i64,
}

impl From<FacetCount> for FacetValue {
    fn from(c: FacetCount) -> Self {
        Self {
            value: c.value,
            label: c.label,
            count: c.n,
        }
    }
}

/// The facets of one filter; each counted only when asked for (most first, 100 values at most).
pub struct SkillFacets(SkillFilter);

impl SkillFacets {
    async fn count(&self, ctx: &Context<'_>, facet: Facet) -> Result<Vec<FacetValue>> {
        let found = skills::facet(&state(ctx)?.graph, &self.0, facet)
            .await
            .map_err(db)?;
        Ok(found.into_iter().map(FacetValue::from).collect())
    }
}

#[Object]
impl SkillFacets {
    #[graphql(complexity = "COUNT_COST")]
    async fn frameworks(&self, ctx: &Context<'_>) -> Result<Vec<FacetValue>> {
        self.count(ctx, Facet::Framework).await
    }
    #[graphql(complexity = "COUNT_COST")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<FacetValue>> {
        self.count(ctx, Facet::Source).await
    }
    /// By the O*NET-SOC major group of the occupations skills are aligned to (`15-0000`).
    #[graphql(complexity = "COUNT_COST")]
    async fn occupation_major_groups(&self, ctx: &Context<'_>) -> Result<Vec<FacetValue>> {
        self.count(ctx, Facet::OccupationMajorGroup).await
    }
    #[graphql(complexity = "COUNT_COST")]
    async fn education_levels(&self, ctx: &Context<'_>) -> Result<Vec<FacetValue>> {
        self.count(ctx, Facet::EducationLevel).await
    }
}

#[derive(Default)]
pub struct FacetQuery;

#[Object]
impl FacetQuery {
    /// Counts of the skills `filter` matches (the same matches as `skillConnection`'s), per
    /// framework, source, occupation major group and education level.
    #[graphql(complexity = "child_complexity.saturating_add(filter_cost(&filter))")]
    async fn skill_facets(&self, filter: Option<SkillFilterInput>) -> Result<SkillFacets> {
        Ok(SkillFacets(skill_filter(filter)?))
    }
}
