//! Rules a parsed document must meet before it is validated and run:
//! - the depth limit, with introspection counted apart: the standard introspection query of
//!   graphql-js (used by GraphiQL, codegen and every schema tool) nests `ofType` nine levels under
//!   `__schema`, deeper than a sensible limit for data queries. Introspection is answered from
//!   memory, so its subtrees get a limit of their own instead of counting against the data limit;
//! - no mutation by GET (a link or an image tag must never change anything);
//! - bounded lexical tokens and bracket nesting (both found before parsing), root fields
//!   (aliases included) and fields with fragments expanded.
use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ServerResult, Variables};

use crate::api::graphql::errors::{server_error, ErrorCode};

/// Depth allowed below `__schema` / `__type`; the graphql-js query needs 13.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// Marks a request that came as GET.
pub struct ViaGet;

#[derive(Clone, Copy)]
pub struct DocumentRules {
    pub max_depth: usize,
    pub max_root_fields: usize,
    pub max_fields: usize,
    pub max_tokens: usize,
}

impl ExtensionFactory for DocumentRules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait::async_trait]
impl Extension for DocumentRules {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let lexed = scan(query, self.max_tokens);
        if lexed.tokens > self.max_tokens {
            let message = format!("the document has over {} tokens", self.max_tokens);
            return Err(server_error(ErrorCode::GraphqlParseFailed, message));
        }
        // The parser recurses once per bracket: a few thousand nested list literals or input
        // objects overflowed the stack and aborted the whole process.
        if lexed.nesting > MAX_NESTING {
            let message = format!("the document nests brackets over {MAX_NESTING} deep");
            return Err(server_error(ErrorCode::GraphqlParseFailed, message));
        }
        // The rules see the document before async-graphql does: its own recursion check
        // expands every fragment path, which a document that doubles at each level turns into
        // billions of steps. Parsing twice costs about a millisecond for a large query.
        if let Ok(doc) = async_graphql::parser::parse_query(query) {
            self.check(ctx, &doc)?;
        }
        let doc = next.run(ctx, query, variables).await?;
        Ok(doc)
    }
}

impl DocumentRules {
    fn check(&self, ctx: &ExtensionContext<'_>, doc: &ExecutableDocument) -> ServerResult<()> {
        let mutation = doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation);
        if mutation && ctx.data_opt::<ViaGet>().is_some() {
            let message = "mutations must be sent with POST".to_string();
            return Err(server_error(ErrorCode::MethodNotAllowed, message));
        }
        let depths = Depths::of(doc);
        let too_deep = |what: &str, depth: usize, max: usize| {
            let message = format!("{what} is nested too deep: depth {depth}, at most {max}");
            server_error(ErrorCode::GraphqlValidationFailed, message)
        };
        if depths.data > self.max_depth {
            return Err(too_deep("Query", depths.data, self.max_depth));
        }
        if depths.root_fields > self.max_root_fields {
            let message = format!(
                "Query has {} root fields (aliases included), at most {}",
                depths.root_fields, self.max_root_fields
            );
            return Err(server_error(ErrorCode::GraphqlValidationFailed, message));
        }
        if depths.fields > self.max_fields {
            let message = format!(
                "Query selects {}{} fields with its fragments expanded, at most {}",
                if depths.fields > MAX_COUNTED {
                    "over "
                } else {
                    ""
                },
                depths.fields.min(MAX_COUNTED),
                self.max_fields
            );
            return Err(server_error(ErrorCode::GraphqlValidationFailed, message));
        }
        if depths.introspection > MAX_INTROSPECTION_DEPTH {
            return Err(too_deep(
                "Introspection",
                depths.introspection,
                MAX_INTROSPECTION_DEPTH,
            ));
        }
        Ok(())
    }
}

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

/// The deepest data field and the deepest introspection field (counted from `__schema` or
/// `__type`) of every operation in a document, the most root fields (aliases included) of one
/// operation, and the data fields of all operations with fragments expanded (counting stops
/// past `MAX_COUNTED`, so a fragment bomb cannot make the count itself expensive).
#[derive(Debug, Default, PartialEq)]
pub struct Depths {
    pub data: usize,
    pub introspection: usize,
    pub root_fields: usize,
    pub fields: usize,
}

/// Expanded fields counted at most; a document past it is refused anyway.
const MAX_COUNTED: usize = 100_000;

impl Depths {
    pub fn of(doc: &ExecutableDocument) -> Self {
        let mut out = Depths::default();
        for (_, op) in doc.operations.iter() {
            let mut walk = Walk {
                doc,
                visiting: HashSet::new(),
                out: &mut out,
                roots: 0,
            };
            walk.set(&op.node.selection_set.node, 0, None);
            let roots = walk.roots;
            out.root_fields = out.root_fields.max(roots);
        }
        out
    }
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments being expanded, so a (invalid) cycle cannot recurse forever.
    visiting: HashSet<&'a str>,
    out: &'a mut Depths,
    /// Root fields of the operation being walked.
    roots: usize,
}

impl<'a> Walk<'a> {
    /// `depth`: data fields above; `introspection`: introspection fields above, once inside.
    fn set(&mut self, set: &'a SelectionSet, depth: usize, introspection: Option<usize>) {
        for item in &set.items {
            if self.out.fields > MAX_COUNTED {
                return;
            }
            match &item.node {
                Selection::Field(f) => {
                    let name = f.node.name.node.as_str();
                    let inside = match introspection {
                        Some(d) => Some(d + 1),
                        None if name == "__schema" || name == "__type" => Some(1),
                        None => None,
                    };
                    match inside {
                        Some(d) => self.out.introspection = self.out.introspection.max(d),
                        None => {
                            self.out.data = self.out.data.max(depth + 1);
                            self.out.fields += 1;
                            if depth == 0 {
                                self.roots += 1;
                            }
                        }
                    }
                    let below = if inside.is_some() { depth } else { depth + 1 };
                    self.set(&f.node.selection_set.node, below, inside);
                }
                Selection::InlineFragment(i) => {
                    self.set(&i.node.selection_set.node, depth, introspection)
                }
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    if self.visiting.insert(name) {
                        self.set(&fragment.node.selection_set.node, depth, introspection);
                        self.visiting.remove(name);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depths(q: &str) -> Depths {
        Depths::of(&async_graphql::parser::parse_query(q).unwrap())
    }

    #[test]
    fn data_depth_counts_fields_through_fragments() {
        assert_eq!(depths("{ a { b { c } } }").data, 3);
        let q = "query { a { ...F } } fragment F on T { b { ... on U { c { d } } } }";
        assert_eq!(depths(q).data, 4);
    }

    #[test]
    fn introspection_is_counted_apart() {
        let q = "{ skills { name } __schema { types { fields { type { ofType { ofType { name } } } } } } }";
        let d = depths(q);
        assert_eq!((d.data, d.introspection), (2, 7));
        // `__typename` is an ordinary (leaf) field.
        assert_eq!(depths("{ a { __typename } }").data, 2);
    }

    #[test]
    fn root_fields_and_expanded_fields_are_counted() {
        let d = depths(
            "{ a: skills { name } b: skills { name } ...R } fragment R on Q { c: job { name } }",
        );
        assert_eq!((d.root_fields, d.fields), (3, 6));
        // Each level doubles the fields: a bomb is cut off, not expanded.
        let mut q = String::from("query { ...F0 } fragment F0 on Q { a b }");
        for i in 1..40 {
            q.push_str(&format!(
                " fragment F{i} on Q {{ x: f {{ ...F{} }} y: f {{ ...F{} }} }}",
                i - 1,
                i - 1
            ));
        }
        q = q.replacen("{ ...F0 }", "{ ...F39 }", 1);
        assert!(depths(&q).fields > MAX_COUNTED);
    }

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
    fn fragment_cycles_do_not_recurse_forever() {
        let q = "{ a { ...F } } fragment F on T { b { ...F } }";
        assert_eq!(depths(q).data, 2);
    }
}
