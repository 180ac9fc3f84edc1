//! Offset pagination shared by the list queries.
use async_graphql::{Result, SimpleObject};

use super::errors::bad_input;

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
}
