//! A skill's place in its hierarchy, several levels at once: its ancestors (the path to the
//! root, in a tree) and its descendants, each with its depth, from one batched statement per
//! level of the query.
use async_graphql::{ComplexObject, Context, Result, SimpleObject};

use super::context::{loaders, state};
use super::errors::bad_input;
use super::loaders::load;
use super::pagination::{page_loaded, Edge, PageInfo};
use crate::graph::skills::TREE_DEPTH;
use crate::model::{Skill, SkillInTree};

/// `maxDepth` checked: 1 to [`TREE_DEPTH`].
fn depth_bound(max_depth: i32) -> Result<i64> {
    if !(1..=TREE_DEPTH as i32).contains(&max_depth) {
        return Err(bad_input(format!(
            "maxDepth must be 1 to {TREE_DEPTH}, got {max_depth}"
        )));
    }
    Ok(i64::from(max_depth))
}

/// The ancestors of `uuid` up to `max_depth` levels, nearest first.
pub async fn ancestors(ctx: &Context<'_>, uuid: &str, max_depth: i32) -> Result<Vec<SkillInTree>> {
    let max = depth_bound(max_depth)?;
    let found = load(&loaders(ctx)?.ancestors, uuid).await?;
    Ok(within(found, max))
}

/// A page of the descendants of `uuid` up to `max_depth` levels, nearest first, then by name.
pub async fn descendants(
    ctx: &Context<'_>,
    uuid: &str,
    max_depth: i32,
    first: i32,
    after: Option<&str>,
) -> Result<SkillInTreeConnection> {
    let max = depth_bound(max_depth)?;
    let found = within(load(&loaders(ctx)?.descendants, uuid).await?, max);
    let total_count = found.len() as i64;
    let page_size = state(ctx)?.config.limits.max_page_size;
    let (edges, page_info) = page_loaded(found, first, after, page_size, |t: &SkillInTree| {
        let name = t.skill.props.name.as_deref().unwrap_or_default();
        (
            format!("{:02}\u{0}{name}", t.depth),
            t.skill.stored.uuid.to_string(),
        )
    })?;
    Ok(SkillInTreeConnection {
        edges,
        page_info,
        total_count,
    })
}

fn within(found: Vec<(i64, Skill)>, max: i64) -> Vec<SkillInTree> {
    found
        .into_iter()
        .filter(|(depth, _)| *depth <= max)
        .map(|(depth, skill)| SkillInTree {
            depth: depth as i32,
            skill,
        })
        .collect()
}

/// A page of a skill's descendants, and how many there are within the depth asked for.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SkillInTreeConnection {
    pub edges: Vec<Edge<SkillInTree>>,
    pub page_info: PageInfo,
    /// How many there are within `maxDepth`, over all pages.
    pub total_count: i64,
}

#[ComplexObject]
impl SkillInTreeConnection {
    /// The descendants of this page, without cursors.
    async fn nodes(&self) -> Vec<SkillInTree> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}
