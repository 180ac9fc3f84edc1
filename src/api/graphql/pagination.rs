//! Relay-style connections shared by the list queries (`edges { cursor node }`, `nodes`,
//! `pageInfo`, `totalCount`), and the offset bounds of the seed REST listing.
use async_graphql::parser::types::{Field, Selection};
use async_graphql::{OutputType, Result, SimpleObject};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::errors::bad_input;
use crate::graph::listing::PageAt;
use crate::jobs::model::Job;
use crate::model::{Framework, Skill, SkillChange, SkillEvent, SkillInTree};

/// Complexity of `totalCount`: counting reads every match, not one page.
pub const COUNT_COST: usize = 50;
/// Complexity a text filter adds to a listing: a substring scan of names and descriptions.
pub const TEXT_FILTER_COST: usize = 100;

/// Complexity of a list field: each of its `first` items costs what its selection costs.
pub fn list_cost(first: i32, child_complexity: usize) -> usize {
    (first.max(1) as usize).saturating_mul(child_complexity)
}

/// Complexity of a connection field: its items cost `first` times their selection, each
/// `totalCount` selected on it once (it is counted once, not per item). Resolvers pass the
/// field as `__field`, the name async-graphql's complexity closure gives it.
pub fn connection_cost(first: i32, child_complexity: usize, field: &Field) -> usize {
    let counts = field
        .selection_set
        .node
        .items
        .iter()
        .filter(|s| matches!(&s.node, Selection::Field(f) if f.node.name.node == "totalCount"))
        .count();
    let once = counts.saturating_mul(COUNT_COST);
    list_cost(first, child_complexity.saturating_sub(once)).saturating_add(once)
}

#[derive(SimpleObject)]
#[graphql(
    concrete(name = "SkillEdge", params(Skill)),
    concrete(name = "JobEdge", params(Job)),
    concrete(name = "FrameworkEdge", params(Framework)),
    concrete(name = "SkillEventEdge", params(SkillEvent)),
    concrete(name = "SkillInTreeEdge", params(SkillInTree)),
    concrete(name = "SkillChangeEdge", params(SkillChange))
)]
pub struct Edge<T: OutputType> {
    pub cursor: String,
    pub node: T,
}

/// The sort key of a listed item: the two values its listing orders by (the second unique).
/// A cursor is this key, so the next page seeks past it: pages do not shift when items are
/// added before them, and a deep page costs what the first does.
pub trait Keyed {
    fn key(&self) -> (String, String);
}

impl Keyed for Skill {
    fn key(&self) -> (String, String) {
        let name = self.props.name.clone().unwrap_or_default();
        (name, self.stored.uuid.to_string())
    }
}

impl Keyed for Framework {
    fn key(&self) -> (String, String) {
        let name = self.props.name.clone().unwrap_or_default();
        (name, self.stored.uuid.to_string())
    }
}

impl Keyed for SkillEvent {
    fn key(&self) -> (String, String) {
        let time = self.timestamp.clone().unwrap_or_default();
        (time, self.external_id.clone())
    }
}

impl Keyed for Job {
    fn key(&self) -> (String, String) {
        (self.created_time.clone(), self.name.clone())
    }
}

/// The page `first` and `after` ask for, fetching one item more than `first` (the extra one
/// only says that another page follows). Out-of-range or malformed values are
/// `ErrorCode::BadUserInput`, never a wrap or a panic.
pub fn keyset(first: i32, after: Option<&str>, max: usize) -> Result<PageAt> {
    if first < 0 {
        return Err(bad_input("first must not be negative"));
    }
    if first as usize > max {
        return Err(bad_input(format!(
            "first must be at most {max}, got {first}"
        )));
    }
    Ok(PageAt {
        after: after.map(decode_cursor).transpose()?,
        skip: 0,
        limit: first as usize + 1,
    })
}

/// A connection page from the rows fetched for `at` (see [`keyset`]).
pub fn edges<T: OutputType + Keyed>(rows: Vec<T>, at: &PageAt) -> (Vec<Edge<T>>, PageInfo) {
    edges_by(rows, at, T::key)
}

/// A connection page from the rows fetched for `at`, each cursor the key `key` gives its row
/// (the listing's sort key).
pub fn edges_by<T: OutputType>(
    mut rows: Vec<T>,
    at: &PageAt,
    key: impl Fn(&T) -> (String, String),
) -> (Vec<Edge<T>>, PageInfo) {
    let first = at.limit.saturating_sub(1);
    let has_next_page = rows.len() > first;
    rows.truncate(first);
    let edges: Vec<Edge<T>> = rows
        .into_iter()
        .map(|node| Edge {
            cursor: encode_cursor(&key(&node)),
            node,
        })
        .collect();
    let info = PageInfo {
        has_next_page,
        has_previous_page: at.after.is_some(),
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    (edges, info)
}

/// A page of a list already loaded whole (a nested list, fetched for every parent in one
/// statement): `items` in the order `key` gives, the `first` after the cursor `after`. A cursor
/// is the key of its item, so a page holds its place when items are added before it.
pub fn page_loaded<T: OutputType>(
    mut items: Vec<T>,
    first: i32,
    after: Option<&str>,
    max: usize,
    key: impl Fn(&T) -> (String, String),
) -> Result<(Vec<Edge<T>>, PageInfo)> {
    let at = keyset(first, after, max)?;
    items.sort_by_cached_key(|item| key(item));
    let start = match &at.after {
        Some(after) => items.partition_point(|item| key(item) <= *after),
        None => 0,
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let first = at.limit - 1;
    let has_next_page = rest.len() > first;
    let edges: Vec<Edge<T>> = rest
        .into_iter()
        .take(first)
        .map(|node| Edge {
            cursor: encode_cursor(&key(&node)),
            node,
        })
        .collect();
    let info = PageInfo {
        has_next_page,
        has_previous_page: start > 0,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    Ok((edges, info))
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// The page of an offset listing (`skip`/`limit`), refused as bad input when out of bounds.
pub fn page_bounds(skip: i32, limit: i32, max: usize, max_offset: usize) -> Result<PageAt> {
    PageAt::offset(skip, limit, max, max_offset).map_err(|e| bad_input(e.to_string()))
}

/// Cursors are opaque to clients: the sort key as JSON, in URL-safe base64 behind a prefix.
pub fn encode_cursor(key: &(String, String)) -> String {
    let json = serde_json::to_vec(&[&key.0, &key.1]).unwrap_or_default();
    format!("k:{}", URL_SAFE_NO_PAD.encode(json))
}

pub fn decode_cursor(cursor: &str) -> Result<(String, String)> {
    let invalid = || bad_input(format!("invalid cursor {cursor:?}"));
    if cursor.starts_with("o:") {
        return Err(bad_input(format!(
            "cursor {cursor:?} is an offset from an older version; start again from the first page"
        )));
    }
    let bytes = (cursor.strip_prefix("k:"))
        .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
        .ok_or_else(invalid)?;
    let [a, b]: [String; 2] = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let key = ("Data \"literacy\" é".to_string(), "u-1".to_string());
        assert_eq!(decode_cursor(&encode_cursor(&key)).unwrap(), key);
        for bad in ["42", "o:41", "k:!!", "k:", "k:WzFd", "x:1"] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keyset_pages_fetch_one_more_and_bound_first() {
        let at = keyset(10, None, 100).unwrap();
        assert_eq!((at.after, at.skip, at.limit), (None, 0, 11));
        assert!(keyset(-1, None, 100).is_err());
        assert!(keyset(101, None, 100).is_err());
    }
}
