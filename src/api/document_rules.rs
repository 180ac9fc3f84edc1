//! Rules a parsed document must meet before it is validated and run:
//! - the depth limit, with introspection counted apart: the standard introspection query of
//!   graphql-js (used by GraphiQL, codegen and every schema tool) nests `ofType` nine levels under
//!   `__schema`, deeper than a sensible limit for data queries. Introspection is answered from
//!   memory, so its subtrees get a limit of their own instead of counting against the data limit;
//! - no mutation by GET (a link or an image tag must never change anything).
use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

use super::errors::{GRAPHQL_VALIDATION_FAILED, METHOD_NOT_ALLOWED};

/// Depth allowed below `__schema` / `__type`; the graphql-js query needs 13.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;

/// Marks a request that came as GET.
pub struct ViaGet;

pub struct DocumentRules {
    pub max_depth: usize,
}

impl ExtensionFactory for DocumentRules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentRulesExtension {
            max_depth: self.max_depth,
        })
    }
}

struct DocumentRulesExtension {
    max_depth: usize,
}

fn coded(message: String, code: &'static str) -> ServerError {
    let mut e = ServerError::new(message, None);
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    e
}

#[async_trait::async_trait]
impl Extension for DocumentRulesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mutation = doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation);
        if mutation && ctx.data_opt::<ViaGet>().is_some() {
            let message = "mutations must be sent with POST".to_string();
            return Err(coded(message, METHOD_NOT_ALLOWED));
        }
        let depths = Depths::of(&doc);
        let too_deep = |what: &str, depth: usize, max: usize| {
            let message = format!("{what} is nested too deep: depth {depth}, at most {max}");
            coded(message, GRAPHQL_VALIDATION_FAILED)
        };
        if depths.data > self.max_depth {
            return Err(too_deep("Query", depths.data, self.max_depth));
        }
        if depths.introspection > MAX_INTROSPECTION_DEPTH {
            return Err(too_deep(
                "Introspection",
                depths.introspection,
                MAX_INTROSPECTION_DEPTH,
            ));
        }
        Ok(doc)
    }
}

/// The deepest data field and the deepest introspection field (counted from `__schema` or
/// `__type`) of every operation in a document.
#[derive(Debug, Default, PartialEq)]
pub struct Depths {
    pub data: usize,
    pub introspection: usize,
}

impl Depths {
    pub fn of(doc: &ExecutableDocument) -> Self {
        let mut out = Depths::default();
        for (_, op) in doc.operations.iter() {
            let mut walk = Walk {
                doc,
                visiting: HashSet::new(),
                out: &mut out,
            };
            walk.set(&op.node.selection_set.node, 0, None);
        }
        out
    }
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments being expanded, so a (invalid) cycle cannot recurse forever.
    visiting: HashSet<&'a str>,
    out: &'a mut Depths,
}

impl<'a> Walk<'a> {
    /// `depth`: data fields above; `introspection`: introspection fields above, once inside.
    fn set(&mut self, set: &'a SelectionSet, depth: usize, introspection: Option<usize>) {
        for item in &set.items {
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
                        None => self.out.data = self.out.data.max(depth + 1),
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
        assert_eq!(
            depths(q),
            Depths {
                data: 2,
                introspection: 7
            }
        );
        // `__typename` is an ordinary (leaf) field.
        assert_eq!(depths("{ a { __typename } }").data, 2);
    }

    #[test]
    fn fragment_cycles_do_not_recurse_forever() {
        let q = "{ a { ...F } } fragment F on T { b { ...F } }";
        assert_eq!(depths(q).data, 2);
    }
}
