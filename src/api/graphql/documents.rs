//! Documents parsed once per distinct text. A front end sends the same few queries over and
//! over; parsing one is most of what a cached answer costs, and each request used to be parsed
//! three times (the read cache's key, the document rules, async-graphql). Now the read cache and
//! the rules read the kept parse, and async-graphql is handed a copy of it.
use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

/// How deep `(`, `[` and `{` may nest in a document: far above any real query (the standard
/// introspection query nests about 30 deep), far below what overflows the parser's stack.
pub const MAX_NESTING: usize = 100;

/// What a lexical pass over a document finds before anything parses it.
pub struct Lexed {
    /// Tokens (punctuators, names, numbers, strings), counted up to one past the limit.
    pub tokens: usize,
    /// The deepest nesting of brackets, outside strings and comments.
    pub nesting: usize,
}

/// Lexical tokens of a GraphQL document (punctuators, names, numbers, strings; whitespace,
/// commas and comments are not tokens), counted up to one past `stop_at`, and its bracket
/// nesting, in one pass.
pub fn scan(query: &str, stop_at: usize) -> Lexed {
    let b = query.as_bytes();
    let (mut i, mut n) = (0, 0);
    let (mut depth, mut nesting) = (0usize, 0usize);
    while i < b.len() && n <= stop_at {
        let rest = &b[i..];
        i += match b[i] {
            b'(' | b'[' | b'{' => {
                n += 1;
                depth += 1;
                nesting = nesting.max(depth);
                1
            }
            b')' | b']' | b'}' => {
                n += 1;
                depth = depth.saturating_sub(1);
                1
            }
            b' ' | b'\t' | b'\n' | b'\r' | b',' => 1,
            b'#' => rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len()),
            b'"' if rest.starts_with(b"\"\"\"") => {
                n += 1;
                3 + block_string_len(&rest[3..])
            }
            b'"' => {
                n += 1;
                1 + string_len(&rest[1..])
            }
            b'.' if rest.starts_with(b"...") => {
                n += 1;
                3
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                n += 1;
                let word =
                    |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-');
                rest.iter().position(|c| !word(c)).unwrap_or(rest.len())
            }
            _ => {
                n += 1;
                1
            }
        };
    }
    Lexed { tokens: n, nesting }
}

/// Bytes up to and including the closing quote of a string (or to the end of its line).
fn string_len(s: &[u8]) -> usize {
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    s.len()
}

/// Bytes up to and including the closing `"""` of a block string.
fn block_string_len(s: &[u8]) -> usize {
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if s[i..].starts_with(b"\"\"\"") {
            return i + 3;
        } else {
            i += 1;
        }
    }
    s.len()
}

/// Bytes of query text kept (with their parses, a few times that): far more than the distinct
/// queries of any set of front ends.
const KEPT_BYTES: u64 = 4 << 20;
/// A longer text is parsed each time it comes: one such text must not push out the rest.
const MAX_KEPT_QUERY: usize = 64 << 10;

/// What one text is: its lexical scan, and its parse when the scan allows one and it parses.
pub struct Parsed {
    pub lexed: Lexed,
    pub doc: Option<ExecutableDocument>,
}

#[derive(Clone)]
struct TextBytes;

impl Weighter<String, Arc<Parsed>> for TextBytes {
    fn weight(&self, text: &String, _: &Arc<Parsed>) -> u64 {
        // The parse is weighed as a few times its text.
        4 * text.len() as u64 + 64
    }
}

pub struct Documents {
    max_tokens: usize,
    kept: Cache<String, Arc<Parsed>, TextBytes>,
}

impl Documents {
    /// Documents scanned for up to `max_tokens` tokens (the document rules' limit).
    pub fn new(max_tokens: usize) -> Self {
        Self {
            max_tokens,
            kept: Cache::with_weighter(4096, KEPT_BYTES, TextBytes),
        }
    }

    /// The scan and parse of `query`, kept for the next request with the same text. A text
    /// over the token or nesting limits is not parsed: the rules refuse it from its scan.
    pub fn get(&self, query: &str) -> Arc<Parsed> {
        if let Some(found) = self.kept.get(query) {
            return found;
        }
        let lexed = scan(query, self.max_tokens);
        let parsable = lexed.tokens <= self.max_tokens && lexed.nesting <= MAX_NESTING;
        let doc = parsable
            .then(|| async_graphql::parser::parse_query(query).ok())
            .flatten();
        let parsed = Arc::new(Parsed { lexed, doc });
        if query.len() <= MAX_KEPT_QUERY {
            self.kept.insert(query.to_string(), parsed.clone());
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_as_the_lexer_sees_them() {
        assert_eq!(
            scan("{ a(x: -1.5e+3, y: \"s, t\") { ...F } } # c d e", 99).tokens,
            15
        );
        assert_eq!(scan("query Q($v: [Int!]) { b }", 99).tokens, 14);
        assert_eq!(scan("{ a(t: \"\"\" x \\\"\"\" y \"\"\") }", 99).tokens, 8);
        let long = format!("{{ a(ids: [{}]) }}", "1,".repeat(50_000));
        assert_eq!(
            scan(&long, 1000).tokens,
            1001,
            "counting stops past the limit"
        );
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(scan("{ a(x: [[1], {b: [2]}]) { c } }", 99).nesting, 5);
        assert_eq!(
            scan("{ a(s: \"[[[(\", t: \"\"\"{{{\"\"\") } # [[[[", 99).nesting,
            2
        );
        let deep = format!("{{a(x: {}{})}}", "[".repeat(1500), "]".repeat(1500));
        assert_eq!(scan(&deep, 99_999).nesting, 1502);
    }

    #[test]
    fn a_text_is_parsed_once_and_bad_texts_are_not_parsed() {
        let docs = Documents::new(100);
        let a = docs.get("{ skills { name } }");
        let b = docs.get("{ skills { name } }");
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second request reads the kept parse"
        );
        assert!(a.doc.is_some());
        assert!(docs.get("{ skills {").doc.is_none(), "does not parse");
        let long = format!("{{ {} }}", "a ".repeat(200));
        let over = docs.get(&long);
        assert!(
            over.lexed.tokens > 100 && over.doc.is_none(),
            "over the token limit"
        );
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert!(
            docs.get(&deep).doc.is_none(),
            "nested past the parser's safe depth"
        );
    }
}
