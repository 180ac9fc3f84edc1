//! Where a listing page starts, and how text filters are looked up.
use super::cypher::Bound;

/// A page of a listing: after the sort key of the last item already seen (keyset), or at an
/// offset (the seed's `skip`/`limit` listings). Every listing sorts on two columns, the second
/// unique, so a key names one position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageAt {
    pub after: Option<(String, String)>,
    pub skip: usize,
    pub limit: usize,
}

/// Why an offset page was refused: the caller's to fix, said in words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadPage(String);

impl PageAt {
    /// The page of an offset listing (`skip`/`limit`, the seed's shape): the offset is bounded,
    /// since a database must read past every skipped row.
    pub fn offset(skip: i32, limit: i32, max: usize, max_offset: usize) -> Result<Self, BadPage> {
        let bad = |m: String| Err(BadPage(m));
        if skip < 0 {
            return bad("skip must not be negative".into());
        }
        if skip as usize > max_offset {
            return bad(format!(
                "skip must be at most {max_offset}, got {skip}: page with the connection's cursors instead"
            ));
        }
        if limit < 0 {
            return bad("limit must not be negative".into());
        }
        if limit as usize > max {
            return bad(format!("limit must be at most {max}, got {limit}"));
        }
        Ok(PageAt {
            after: None,
            skip: skip as usize,
            limit: limit as usize,
        })
    }
}

/// Which way a listing's first sort column runs; the key of the start of each.
#[derive(Debug, Clone, Copy)]
pub enum Order {
    /// Names: every name is at least the empty string.
    Ascending,
    /// Times, newest first (both key columns descending): every stored time (digits first)
    /// sorts before `~`, so the first page's key passes every row whatever its second column.
    Descending,
}

impl PageAt {
    pub fn first(limit: usize) -> Self {
        Self {
            limit,
            ..Self::default()
        }
    }

    /// Binds the page as `$<a>`, `$<b>`, `$skip` and `$limit`.
    pub(super) fn bind(&self, q: Bound, order: Order, a: &str, b: &str) -> Bound {
        let start = match order {
            Order::Ascending => "",
            Order::Descending => "~",
        };
        let (ka, kb) = match &self.after {
            Some((ka, kb)) => (ka.as_str(), kb.as_str()),
            None => (start, ""),
        };
        q.param(a, ka)
            .param(b, kb)
            .param("skip", self.skip as i64)
            .param("limit", self.limit as i64)
    }
}

/// How text filters are answered: by Neo4j's full-text index where the database has it (chosen
/// at start-up), else by a portable `CONTAINS` scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSearch {
    FullText,
    Contains,
}

/// A Lucene query for `text`: each word as a prefix (`data* AND lit*`), all required. Words are
/// split the way the index's analyzer splits the text it indexes (every character that is not a
/// letter or digit separates words, so `round-robin` is `round* AND robin*`), which also leaves
/// no Lucene syntax to escape. The analyzer keeps words of up to 255 characters (a longer one
/// is indexed as pieces, the first piece its start), so a longer word is looked up by its first
/// 255; and, as search engines do, only the first 32 words count (Lucene refuses queries of
/// more than 1,024 clauses). `None` when the text has no word (`(`, `*`): such a text is
/// searched as a substring instead.
pub fn fulltext_query(text: &str) -> Option<String> {
    const MAX_WORD_CHARS: usize = 255;
    const MAX_WORDS: usize = 32;
    let words: Vec<String> = (text.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| {
            let word: String = w.chars().take(MAX_WORD_CHARS).collect();
            format!("{}*", word.to_lowercase())
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fulltext_queries_are_word_prefixes_with_no_syntax_left() {
        assert_eq!(fulltext_query("Data  LIT").unwrap(), "data* AND lit*");
        assert_eq!(fulltext_query("c++ (x)").unwrap(), "c* AND x*");
        assert_eq!(fulltext_query("round-robin").unwrap(), "round* AND robin*");
        assert_eq!(
            fulltext_query("AND OR:NOT").unwrap(),
            "and* AND or* AND not*"
        );
        assert_eq!(fulltext_query("Ökonomie").unwrap(), "ökonomie*");
        assert_eq!(fulltext_query(r#" (*~\" "#), None);
        let long = fulltext_query(&"y".repeat(3000)).unwrap();
        assert_eq!(long, format!("{}*", "y".repeat(255)));
        let many = fulltext_query(&"w ".repeat(2000)).unwrap();
        assert_eq!(many.matches("w*").count(), 32);
    }

    #[test]
    fn offset_pages_reject_bad_values() {
        assert!(PageAt::offset(-1, 10, 100, 1000).is_err());
        assert!(PageAt::offset(0, -1, 100, 1000).is_err());
        assert!(PageAt::offset(0, 101, 100, 1000).is_err());
        assert!(PageAt::offset(1001, 10, 100, 1000).is_err());
        assert_eq!(PageAt::offset(5, 0, 100, 1000).unwrap().skip, 5);
    }
}
