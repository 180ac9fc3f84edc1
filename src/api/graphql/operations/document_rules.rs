//! Rules a parsed document must meet before it is validated and run:
//! - the depth limit, with introspection counted apart: the standard introspection query of
//!   graphql-js (used by GraphiQL, codegen and every schema tool) nests `ofType` nine levels under
//!   `__schema`, deeper than a sensible limit for data queries. Introspection is answered from
//!   memory, so its subtrees get a limit of their own instead of counting against the data limit;
//! - no mutation by GET (a link or an image tag must never change anything);
//! - bounded lexical tokens and bracket nesting (both found before parsing), root fields
//!   (aliases included) and fields with fragments expanded.
use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::ServerResult;

use crate::api::graphql::documents::{Parsed, MAX_NESTING};
use crate::api::graphql::errors::{server_error, ErrorCode};

/// Depth allowed below `__schema` / `__type`; the graphql-js query needs 13.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// Marks a request that came as GET.
pub struct ViaGet;

#[derive(Clone)]
pub struct DocumentRules {
    pub max_depth: usize,
    pub max_root_fields: usize,
    pub max_fields: usize,
    pub max_tokens: usize,
}

impl DocumentRules {
    /// The rules the text of `parsed` must meet before anything else looks at it: the token
    /// and nesting bounds from its scan, then (when it parses) those of its parse.
    pub fn check(&self, parsed: &Parsed, via_get: bool) -> ServerResult<()> {
        let lexed = &parsed.lexed;
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
        // billions of steps.
        match &parsed.doc {
            Some(doc) => self.check_document(doc, via_get),
            None => Ok(()),
        }
    }
}

impl DocumentRules {
    fn check_document(&self, doc: &ExecutableDocument, via_get: bool) -> ServerResult<()> {
        let mutation = doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation);
        if mutation && via_get {
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
    fn fragment_cycles_do_not_recurse_forever() {
        let q = "{ a { ...F } } fragment F on T { b { ...F } }";
        assert_eq!(depths(q).data, 2);
    }
}
