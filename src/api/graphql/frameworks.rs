//! Competency frameworks: their ids and the `frameworks` listing.
use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};

use super::context::state;
use super::errors::db;
use super::node;
use super::pagination::{connection_cost, edges, keyset, Edge, PageInfo, COUNT_COST};
use crate::graph::skills;
use crate::model::Framework;

#[ComplexObject]
impl Framework {
    /// Global identifier (Relay); `node(id:)` fetches the framework.
    pub async fn id(&self) -> ID {
        node::id(node::Kind::Framework, &self.stored.uuid)
    }
}

/// One page of the framework listing.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct FrameworkConnection {
    pub edges: Vec<Edge<Framework>>,
    pub page_info: PageInfo,
}

#[ComplexObject]
impl FrameworkConnection {
    /// Number of frameworks, over all pages.
    #[graphql(complexity = "COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        skills::frameworks_count(&state(ctx)?.graph)
            .await
            .map_err(db)
    }
    /// The frameworks of this page, without cursors.
    async fn nodes(&self) -> Vec<Framework> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

#[derive(Default)]
pub struct FrameworkQuery;

#[Object]
impl FrameworkQuery {
    /// Competency frameworks ordered by name, with their number of skills.
    #[graphql(complexity = "connection_cost(first, child_complexity, __field)")]
    async fn frameworks(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> Result<FrameworkConnection> {
        let state = state(ctx)?;
        let at = keyset(first, after.as_deref(), state.config.limits.max_page_size)?;
        let rows = if first == 0 {
            vec![]
        } else {
            skills::frameworks(&state.graph, &at).await.map_err(db)?
        };
        let (edges, page_info) = edges(rows, &at);
        Ok(FrameworkConnection { edges, page_info })
    }
}
