//! Ranked text search: each hit with its relevance score and the fields that matched, most
//! relevant first (Neo4j: the full-text index's score; ArcadeDB: a simpler ranking, see
//! `cypher/skills_ranked_contains.cypher`).
use async_graphql::{ComplexObject, Context, Enum, Object, Result, SimpleObject};

use super::context::state;
use super::errors::{bad_input, db};
use super::filters::{filter_cost, skill_filter, SkillFilterInput};
use super::pagination::{
    decode_cursor, encode_cursor, page_bounds, PageInfo, COUNT_COST, TEXT_FILTER_COST,
};
use crate::graph::listing::PageAt;
use crate::graph::skill_filter::SkillFilter;
use crate::graph::skills;
use crate::model::Skill;

/// A field of a skill a search can match.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum SkillField {
    Name,
    Description,
}

/// One hit of a search.
#[derive(SimpleObject, Clone)]
pub struct SearchHit {
    /// Relevance: higher is better; comparable within one search only.
    pub score: f64,
    /// The fields that contain one of the searched words (case aside).
    pub matched: Vec<SkillField>,
    pub skill: Skill,
}

#[derive(SimpleObject)]
pub struct SearchEdge {
    pub cursor: String,
    pub node: SearchHit,
}

/// A page of hits, most relevant first.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SearchConnection {
    pub edges: Vec<SearchEdge>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    text: String,
    #[graphql(skip)]
    filter: SkillFilter,
}

#[ComplexObject]
impl SearchConnection {
    /// How many skills match, over all pages.
    #[graphql(complexity = "COUNT_COST")]
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        if self.text.trim().is_empty() {
            return Ok(0);
        }
        skills::count(&state(ctx)?.graph, &self.filter)
            .await
            .map_err(db)
    }
    /// The hits of this page, without cursors.
    async fn nodes(&self) -> Vec<SearchHit> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }
}

/// The fields of `skill` that contain one of `text`'s words.
fn matched(skill: &Skill, text: &str) -> Vec<SkillField> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |field: &Option<String>| {
        let field = field.as_deref().unwrap_or_default().to_lowercase();
        words.iter().any(|w| field.contains(w.as_str()))
    };
    let mut out = vec![];
    if has(&skill.props.name) {
        out.push(SkillField::Name);
    }
    if has(&skill.props.description) {
        out.push(SkillField::Description);
    }
    out
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Skills matching `text`, most relevant first: on Neo4j every word a word prefix through
    /// the full-text index, scored by it, an exact name match first; on ArcadeDB (and for a
    /// text with no word to look up) the text as a substring, an exact name scoring 3, a name
    /// containing it 2, a description 1. `filter` narrows the hits as it does a listing (its own
    /// `text` aside: the searched text is this one). Pages are offsets into the ranking (at most
    /// the listings' offset limit deep).
    #[graphql(
        complexity = "(first.max(1) as usize).saturating_mul(child_complexity).saturating_add(TEXT_FILTER_COST).saturating_add(filter_cost(&filter))"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
        filter: Option<SkillFilterInput>,
    ) -> Result<SearchConnection> {
        if filter.as_ref().is_some_and(|f| f.text.is_some()) {
            return Err(bad_input(
                "search's text is its own `text`: leave filter.text out",
            ));
        }
        let mut filter = skill_filter(filter)?;
        filter.text = Some(text.clone());
        let state = state(ctx)?;
        let limits = &state.config.limits;
        let skip = match after.as_deref().map(decode_cursor).transpose()? {
            Some((offset, _)) => {
                offset
                    .parse::<usize>()
                    .map_err(|_| bad_input("a search cursor is an offset"))?
                    + 1
            }
            None => 0,
        };
        let offset = i32::try_from(skip).map_err(|_| bad_input("cursor out of range"))?;
        let at = page_bounds(offset, first, limits.max_page_size, limits.max_offset)?;
        let page = PageAt {
            limit: at.limit + 1,
            ..at
        };
        let mut hits = skills::search(&state.graph, &filter, &page)
            .await
            .map_err(db)?;
        let has_next_page = hits.len() > at.limit;
        hits.truncate(at.limit);
        let edges: Vec<SearchEdge> = hits
            .into_iter()
            .enumerate()
            .map(|(i, (score, skill))| SearchEdge {
                cursor: encode_cursor(&((skip + i).to_string(), String::new())),
                node: SearchHit {
                    score,
                    matched: matched(&skill, &text),
                    skill,
                },
            })
            .collect();
        let page_info = PageInfo {
            has_next_page,
            has_previous_page: skip > 0,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(SearchConnection {
            edges,
            page_info,
            text,
            filter,
        })
    }
}
