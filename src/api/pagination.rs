//! Relay-style connections shared by the list queries (`edges { cursor node }`, `nodes`,
//! `pageInfo`, `totalCount`), and the offset bounds of the seed REST listing.
use async_graphql::parser::types::{Field, Selection};
use async_graphql::{OutputType, Result, SimpleObject};

use super::errors::bad_input;
use crate::jobs::model::Job;
use crate::model::{Framework, Skill, SkillEvent};

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

/// Farthest offset a cursor may point at.
pub const MAX_OFFSET: usize = i32::MAX as usize;

#[derive(SimpleObject)]
#[graphql(
    concrete(name = "SkillEdge", params(Skill)),
    concrete(name = "JobEdge", params(Job)),
    concrete(name = "FrameworkEdge", params(Framework)),
    concrete(name = "SkillEventEdge", params(SkillEvent))
)]
pub struct Edge<T: OutputType> {
    pub cursor: String,
    pub node: T,
}

/// Where a page starts and how many items it has, from `first` and `after`: out-of-range or
/// malformed values are `BAD_USER_INPUT`, never a wrap or a panic.
pub fn window(first: i32, after: Option<&str>, max: usize) -> Result<(usize, usize)> {
    let start = match after {
        None => 0,
        Some(c) => decode_cursor(c)?
            .checked_add(1)
            .filter(|s| *s <= MAX_OFFSET)
            .ok_or_else(|| bad_input(format!("cursor {c:?} is out of range")))?,
    };
    if first < 0 {
        return Err(bad_input("first must not be negative"));
    }
    if first as usize > max {
        return Err(bad_input(format!(
            "first must be at most {max}, got {first}"
        )));
    }
    Ok((start, first as usize))
}

/// A page from `rows`, fetched from offset `start` with one row more than `first` (the extra
/// row only says that another page follows).
pub fn edges<T: OutputType>(
    mut rows: Vec<T>,
    start: usize,
    first: usize,
) -> (Vec<Edge<T>>, PageInfo) {
    let has_next_page = rows.len() > first;
    rows.truncate(first);
    let edges: Vec<Edge<T>> = rows
        .into_iter()
        .enumerate()
        .map(|(i, node)| Edge {
            cursor: encode_cursor(start + i),
            node,
        })
        .collect();
    let info = PageInfo {
        has_next_page,
        has_previous_page: start > 0,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    (edges, info)
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

pub fn page_bounds(skip: i32, limit: i32, max: usize) -> Result<(usize, usize)> {
    if skip < 0 {
        return Err(bad_input("skip must not be negative"));
    }
    if limit < 0 {
        return Err(bad_input("limit must not be negative"));
    }
    if limit as usize > max {
        return Err(bad_input(format!(
            "limit must be at most {max}, got {limit}"
        )));
    }
    Ok((skip as usize, limit as usize))
}

/// Cursors are opaque to clients; here they are the offset behind a prefix.
pub fn encode_cursor(offset: usize) -> String {
    format!("o:{offset}")
}

pub fn decode_cursor(cursor: &str) -> Result<usize> {
    cursor
        .strip_prefix("o:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| bad_input(format!("invalid cursor {cursor:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_bounds_reject_bad_values() {
        assert!(page_bounds(-1, 10, 100).is_err());
        assert!(page_bounds(0, -1, 100).is_err());
        assert!(page_bounds(0, 101, 100).is_err());
        assert_eq!(page_bounds(5, 0, 100).unwrap(), (5, 0));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        assert!(decode_cursor("42").is_err());
    }

    #[test]
    fn windows_refuse_what_would_wrap() {
        assert_eq!(window(10, Some("o:41"), 100).unwrap(), (42, 10));
        for cursor in [
            "o:18446744073709551615",
            "o:2147483647",
            "o:-1",
            "o:",
            "x:1",
        ] {
            assert!(window(10, Some(cursor), 100).is_err(), "{cursor}");
        }
        assert!(window(-1, None, 100).is_err());
        assert!(window(101, None, 100).is_err());
    }
}
