//! Property tests of what any caller can send: cursors and page sizes, request bodies, and
//! GraphQL documents (valid-looking ones built from the schema's own words, and noise). Nothing
//! may panic; every answer is an error with a code or data. `PROPTEST_CASES=200000` runs for
//! minutes; CI runs the default 256 cases a property.
use proptest::prelude::*;

use super::pagination::{decode_cursor, encode_cursor, keyset};

/// Words of the schema and of GraphQL, so generated documents get past the parser often.
const WORDS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ":",
    "...",
    "on",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "skills",
    "skillConnection",
    "first",
    "after",
    "limit",
    "skip",
    "filter",
    "text",
    "node",
    "id",
    "name",
    "parentNodes",
    "childNodes",
    "alignments",
    "skillAlignment",
    "aligned",
    "jobs",
    "job",
    "jobName",
    "cancelJob",
    "__schema",
    "__type",
    "types",
    "ofType",
    "__typename",
    "$v",
    "Int",
    "String",
    "1",
    "-1",
    "99999999999",
    "\"o:18446744073709551615\"",
    "\"x\"",
    "a:",
    "b:",
    "@include(if: true)",
    "F",
    "Skill",
    ",",
];

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(WORDS), 0..80).prop_map(|w| w.join(" ")),
        "\\PC{0,300}",
        nested(),
    ]
}

/// A value nested up to thousands of levels deep, of list literals, input objects or both, as
/// an argument, in a variable's default or in a selection: the parser recurses once per level,
/// and 1,500 levels overflowed its stack and aborted the process.
fn nested() -> impl Strategy<Value = String> {
    let opener = proptest::sample::select(vec!["[", "{a: ", "{"]);
    (
        proptest::collection::vec(opener, 1..4),
        1usize..5000,
        0usize..3,
    )
        .prop_map(|(kinds, depth, place)| {
            let (mut open, mut close) = (String::new(), String::new());
            for i in 0..depth {
                let kind = kinds[i % kinds.len()];
                open.push_str(kind);
                close.insert_str(0, if kind == "[" { "]" } else { "}" });
            }
            match place {
                0 => format!("{{ __typename(a: {open}1{close}) }}"),
                1 => format!("query($v: Int = {open}1{close}) {{ __typename }}"),
                _ => format!("{{ skills {open} name {close} }}"),
            }
        })
}

proptest! {
    /// The token counter reads any text (strings, block strings, escapes and comments cut
    /// anywhere) without panicking, never counts more tokens than bytes, and stops past its
    /// limit.
    #[test]
    fn token_counting_never_panics(doc in "[\"#.a-z0-9 \\\\\n{}()-]{0,200}|\\PC{0,200}", limit in 0usize..64) {
        let n = super::documents::scan(&doc, limit).tokens;
        prop_assert!(n <= limit + 1);
        prop_assert!(n <= doc.len());
    }

    #[test]
    fn cursors_and_page_sizes_never_panic(cursor in "\\PC{0,40}", a in "\\PC{0,20}", b in "\\PC{0,20}", first in any::<i32>()) {
        let _ = keyset(first, Some(&cursor), 100);
        if let Ok(at) = keyset(first, None, 100) {
            prop_assert!(at.limit <= 101);
        }
        // Any key round-trips through a cursor.
        let key = (a, b);
        prop_assert_eq!(decode_cursor(&encode_cursor(&key)).unwrap(), key);
    }

    #[test]
    fn any_document_gets_data_or_coded_errors(doc in document()) {
        use async_graphql::Executor as _;
        use super::operations::executor::{Executor, Operations};
        let schema = |b: async_graphql::SchemaBuilder<_, _, _>| b.limit_complexity(5000).finish();
        let executor = Executor::new(Operations {
            checking: schema(super::schema_builder().extension(super::operations::validation::ValidateOnly)),
            running: schema(super::schema_builder().validation_mode(async_graphql::ValidationMode::Fast)),
            documents: std::sync::Arc::new(super::documents::Documents::new(15_000)),
            rules: super::operations::document_rules::DocumentRules {
                max_depth: 12,
                max_root_fields: 20,
                max_fields: 2000,
                max_tokens: 15_000,
            },
            max_cost: 50_000,
            limits: None,
            persisted: Default::default(),
        });
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let response = rt.block_on(executor.execute(async_graphql::Request::new(doc.as_str())));
        for e in &response.errors {
            let code = e.extensions.as_ref().and_then(|x| x.get("code"));
            prop_assert!(code.is_some(), "{doc:?}: {e:?}");
        }
    }

    #[test]
    fn any_body_is_parsed_or_refused(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = serde_json::from_slice::<async_graphql::Request>(&body);
        let _ = serde_json::from_slice::<Vec<async_graphql::Request>>(&body);
    }
}
