//! Where a listing page starts, and which listing statement serves a filter combination.
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

/// A Lucene query for `text`: every word, as a prefix (`data* AND lit*`), special characters
/// escaped. Full-text matching is by words, not by any substring.
pub fn fulltext_query(text: &str) -> String {
    let words = text.split_whitespace().map(|w| {
        let mut escaped = String::new();
        for ch in w.to_lowercase().chars() {
            if "+-&|!(){}[]^\"~*?:\\/".contains(ch) {
                escaped.push('\\');
            }
            escaped.push(ch);
        }
        escaped + "*"
    });
    words.collect::<Vec<_>>().join(" AND ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fulltext_queries_are_escaped_word_prefixes() {
        assert_eq!(fulltext_query("Data  LIT"), "data* AND lit*");
        assert_eq!(fulltext_query("c++ (x)"), "c\\+\\+* AND \\(x\\)*");
    }
}
