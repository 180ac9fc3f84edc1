//! GraphQL types and queries of the skill graph.
use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};

use super::alignments::{Aligned, AlignedCredential, Alignments};
use super::context::{loaders, state};
use super::curation::{self, SkillChangeConnection};
use super::errors::db;
use super::filters::{filter_cost, sorted_filter, SkillFilterInput, SkillSort};
use super::loaders::load;
use super::node;
use super::pagination::{
    connection_cost, edges_by, keyset, list_cost, page_bounds, page_loaded, Edge, PageInfo,
    COUNT_COST,
};
use super::trees::{self, SkillInTreeConnection};
use crate::graph::skill_filter::{SkillFilter, Sort};
use crate::graph::skills;
use crate::model::{breadcrumb, Framework, Occupations, Skill, SkillInTree};

/// A classification of the skill, e.g. its CTDL type.
#[derive(SimpleObject)]
pub struct SkillType {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// The nested fields of a skill, each loaded in one batch per query level.
#[ComplexObject]
impl Skill {
    /// Global identifier (Relay): the same skill always has the same id; `node(id:)` fetches it.
    pub async fn id(&self) -> ID {
        node::id(node::Kind::Skill, &self.stored.uuid)
    }
    async fn r#type(&self) -> Option<SkillType> {
        let p = &self.props;
        (p.type_id.is_some() || p.type_name.is_some()).then(|| SkillType {
            id: p.type_id.clone(),
            name: p.type_name.clone(),
        })
    }
    /// The framework the skill is part of.
    async fn framework(&self, ctx: &Context<'_>) -> Result<Option<Framework>> {
        let found = load(&loaders(ctx)?.frameworks, &self.stored.uuid).await?;
        Ok(found.into_iter().next())
    }
    /// Broader skills (`CHILD_OF` targets), by name: the first `first` (default 10, at most the
    /// page-size limit), so a long list is cut there; `parentConnection` pages through all of
    /// them and counts them. Weighed by `first` in the query's cost, so nesting costs what it
    /// can return.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn parent_nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> Result<Vec<Skill>> {
        let first = nested_bound(ctx, first)?;
        let mut found = load(&loaders(ctx)?.parents, &self.stored.uuid).await?;
        found.truncate(first);
        Ok(found)
    }
    /// Narrower skills, in the publisher's list order, then by name: the first `first`
    /// (default 50, more than any recorded framework gives one skill; at most the page-size
    /// limit), so a longer list is cut there; `childConnection` pages through all of them and
    /// counts them.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn child_nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<Skill>> {
        let first = nested_bound(ctx, first)?;
        let mut found = load(&loaders(ctx)?.children, &self.stored.uuid).await?;
        found.truncate(first);
        Ok(found)
    }
    /// What changed the skill, newest first: who (a curator or an import job), when, each field
    /// before and after, the edges added and removed. The last 200 changes are kept.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<SkillChangeConnection> {
        curation::history(ctx, &self.stored.uuid, first, after.as_deref()).await
    }
    /// Broader skills as a connection: every one reachable by paging, and their number.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn parent_connection(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
        after: Option<String>,
    ) -> Result<RelatedSkillConnection> {
        let found = load(&loaders(ctx)?.parents, &self.stored.uuid).await?;
        RelatedSkillConnection::page(ctx, found, first, after.as_deref(), by_name)
    }
    /// Narrower skills as a connection (list order, then name): every one reachable by paging,
    /// and their number.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn child_connection(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> Result<RelatedSkillConnection> {
        let found = load(&loaders(ctx)?.children, &self.stored.uuid).await?;
        RelatedSkillConnection::page(ctx, found, first, after.as_deref(), by_list_order)
    }
    /// Every broader skill up to `maxDepth` levels up (1 to 5), each once at its nearest depth,
    /// nearest first: in a tree (one parent each), the path to the root for breadcrumbs. A cycle
    /// in the data ends where it closes. Priced as ten per level.
    #[graphql(complexity = "list_cost(max_depth.saturating_mul(10), child_complexity)")]
    async fn ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] max_depth: i32,
    ) -> Result<Vec<SkillInTree>> {
        trees::ancestors(ctx, &self.stored.uuid, max_depth).await
    }
    /// The way from a root down to this skill's parent, for breadcrumbs: where a skill has
    /// several parents, the shortest way up, the first parent by name where two are as short;
    /// read up to five levels (a deeper tree's path starts five levels up). Empty for a root.
    #[graphql(complexity = "list_cost(50, child_complexity)")]
    async fn breadcrumb(&self, ctx: &Context<'_>) -> Result<Vec<Skill>> {
        let links = load(&loaders(ctx)?.ancestor_links, &self.stored.uuid).await?;
        Ok(breadcrumb(&self.stored.uuid, &links, |s: &Skill| {
            &s.stored.uuid
        }))
    }
    /// Every narrower skill up to `maxDepth` levels down (1 to 5), each once at its nearest
    /// depth, nearest first and then by name, as a connection.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn descendants(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5)] max_depth: i32,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> Result<SkillInTreeConnection> {
        let uuid = &self.stored.uuid;
        trees::descendants(ctx, uuid, max_depth, first, after.as_deref()).await
    }
    /// Alignments to other skills, occupations and credentials, grouped as the seed API does.
    async fn alignments(&self) -> Alignments {
        Alignments {
            uuid: self.stored.uuid.to_string(),
        }
    }
    /// Occupations the skill is aligned to, by O*NET-SOC group level.
    async fn occupations(&self, ctx: &Context<'_>) -> Result<Occupations> {
        let found = load(&loaders(ctx)?.occupations, &self.stored.uuid).await?;
        Ok(Occupations::from_codes(found.into_iter().map(|(_, o)| o)))
    }
    /// Credentials (certifications, badges, degrees) aligned to the skill.
    async fn certifications(&self, ctx: &Context<'_>) -> Result<Vec<AlignedCredential>> {
        let uuid = &self.stored.uuid;
        let found = load(&loaders(ctx)?.credentials, uuid).await?;
        Ok(found.into_iter().map(|a| Aligned::new(uuid, a)).collect())
    }
}

/// The order of a skill's parents: by name (the uuid breaks ties).
fn by_name(s: &Skill) -> (String, String) {
    let name = s.props.name.clone().unwrap_or_default();
    (name, s.stored.uuid.to_string())
}

/// The order of a skill's children: the publisher's list order (unlisted ones last), then name.
fn by_list_order(s: &Skill) -> (String, String) {
    let order = s.props.list_order.as_deref().unwrap_or("\u{10FFFF}");
    let name = s.props.name.as_deref().unwrap_or_default();
    (format!("{order}\u{0}{name}"), s.stored.uuid.to_string())
}

/// A page of a skill's parents or children, and how many there are: a nested list that says
/// when it is not complete.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct RelatedSkillConnection {
    pub edges: Vec<Edge<Skill>>,
    pub page_info: PageInfo,
    /// How many there are, over all pages (loaded with the page: it costs nothing more).
    pub total_count: i64,
}

impl RelatedSkillConnection {
    fn page(
        ctx: &Context<'_>,
        all: Vec<Skill>,
        first: i32,
        after: Option<&str>,
        key: fn(&Skill) -> (String, String),
    ) -> Result<Self> {
        let total_count = all.len() as i64;
        let max = state(ctx)?.config.limits.max_page_size;
        let (edges, page_info) = page_loaded(all, first, after, max, key)?;
        Ok(Self {
            edges,
            page_info,
            total_count,
        })
    }
}

#[ComplexObject]
impl RelatedSkillConnection {
    /// The skills of this page, without cursors.
    async fn nodes(&self) -> Vec<Skill> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// One page of a skill connection, with a lazily counted total.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillConnection {
    pub edges: Vec<Edge<Skill>>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    filter: SkillFilter,
}

#[ComplexObject]
impl SkillConnection {
    /// Number of skills matching the filter, over all pages.
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

#[derive(Default)]
pub struct SkillQuery;

#[Object]
impl SkillQuery {
    /// Skills matching `filter` in `sort` order (by name unless asked), offset-paginated.
    #[graphql(complexity = "list_cost(limit, child_complexity) + filter_cost(&filter)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 0)] skip: i32,
        #[graphql(default = 20)] limit: i32,
        filter: Option<SkillFilterInput>,
        #[graphql(default)] sort: SkillSort,
    ) -> Result<Vec<Skill>> {
        let state = state(ctx)?;
        let limits = &state.config.limits;
        let at = page_bounds(skip, limit, limits.max_page_size, limits.max_offset)?;
        let (filter, sort) = sorted_filter(filter, sort)?;
        if at.limit == 0 {
            return Ok(vec![]);
        }
        let nodes = skills::page(&state.graph, &filter, sort, &at)
            .await
            .map_err(db)?;
        Ok(nodes)
    }

    /// Skills matching `filter` in `sort` order (by name unless asked), as a cursor connection
    /// with `totalCount`. A cursor holds its place in the order it was made in.
    #[graphql(
        complexity = "connection_cost(first, child_complexity, __field) + filter_cost(&filter)"
    )]
    async fn skill_connection(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        filter: Option<SkillFilterInput>,
        #[graphql(default)] sort: SkillSort,
    ) -> Result<SkillConnection> {
        let (filter, sort) = sorted_filter(filter, sort)?;
        let (edges, page_info) = matching(ctx, &filter, sort, first, after.as_deref()).await?;
        Ok(SkillConnection {
            edges,
            page_info,
            filter,
        })
    }

    /// One skill by uuid; null when there is none.
    async fn skill(&self, ctx: &Context<'_>, uuid: ID) -> Result<Option<Skill>> {
        let found = skills::by_uuid(&state(ctx)?.graph, &uuid)
            .await
            .map_err(db)?;
        Ok(found.filter(|s| s.props.name.is_some()))
    }
}

/// A page of the skills `filter` matches, in `sort` order, as connection edges whose cursors
/// hold their place in that order (`first: 0` sends no statement).
pub async fn matching(
    ctx: &Context<'_>,
    filter: &SkillFilter,
    sort: Sort,
    first: i32,
    after: Option<&str>,
) -> Result<(Vec<Edge<Skill>>, PageInfo)> {
    let state = state(ctx)?;
    let at = keyset(first, after, state.config.limits.max_page_size)?;
    let rows = if first == 0 {
        vec![]
    } else {
        (skills::page(&state.graph, filter, sort, &at).await).map_err(db)?
    };
    Ok(edges_by(rows, &at, |s| skills::sort_key(s, sort)))
}

/// `first` of a nested list: 0 to the page-size limit.
fn nested_bound(ctx: &Context<'_>, first: i32) -> Result<usize> {
    let max = state(ctx)?.config.limits.max_page_size;
    Ok(keyset(first, None, max)?.limit - 1)
}
