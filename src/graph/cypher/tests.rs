//! The boundary between the Cypher files and the Rust code: every `$parameter` a file uses is
//! one the code binds (and the other way round), and every column the code reads is returned.
use std::collections::BTreeSet;

use super::*;
use crate::graph::skill_filter::SkillFilter;

/// `$names` in the code of a statement.
fn params_used(text: &str) -> BTreeSet<String> {
    let code = code_only(text);
    code.split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Byte offsets where `word` stands as a whole keyword, at bracket depth 0.
fn keyword_at_top(code: &str, word: &str) -> Vec<usize> {
    let upper = code.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut depth = 0i32;
    let mut found = vec![];
    for (i, c) in upper.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        if depth == 0
            && upper[i..].starts_with(word)
            && (i == 0 || !ident(bytes[i - 1]))
            && bytes.get(i + word.len()).is_none_or(|&b| !ident(b))
        {
            found.push(i);
        }
    }
    found
}

/// Names of the columns of the last top-level `RETURN`.
fn columns_returned(text: &str) -> Vec<String> {
    let code = code_only(text);
    let Some(&at) = keyword_at_top(&code, "RETURN").last() else {
        return vec![];
    };
    let mut projection = &code[at + "RETURN".len()..];
    for tail in ["ORDER", "SKIP", "LIMIT", "UNION"] {
        if let Some(&end) = keyword_at_top(projection, tail).first() {
            projection = &projection[..end];
        }
    }
    let mut items = vec![];
    let (mut depth, mut start) = (0, 0);
    for (i, c) in projection.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&projection[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&projection[start..]);
    // Names are read from the text itself (a quoted alias is blank in `code`).
    let base = at + "RETURN".len();
    items
        .into_iter()
        .map(|item| {
            let offset = item.as_ptr() as usize - projection.as_ptr() as usize + base;
            let from = match keyword_at_top(item, "AS").last() {
                Some(&a) => offset + a + 2,
                None => offset,
            };
            text[from..offset + item.len()]
                .trim()
                .trim_matches('`')
                .to_string()
        })
        .collect()
}

#[test]
fn every_file_is_a_declared_statement() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/cypher");
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".cypher"))
        .collect();
    let declared: BTreeSet<String> = ALL
        .iter()
        .flat_map(|s| s.files.iter().map(|f| f.to_string()))
        .chain(PARTS.iter().map(|p| p.file.to_string()))
        .collect();
    assert_eq!(
        on_disk, declared,
        "cypher/ files and declared statements and parts"
    );
    for p in PARTS {
        let from_disk = std::fs::read_to_string(format!("{dir}/{}", p.file)).unwrap();
        assert_eq!(p.text, from_disk, "{}", p.name);
    }
    for s in ALL {
        let from_disk: String = s
            .files
            .iter()
            .map(|f| std::fs::read_to_string(format!("{dir}/{f}")).unwrap())
            .collect();
        assert_eq!(s.text, from_disk, "{}", s.name);
    }
}

#[test]
fn parameters_are_exactly_the_ones_the_code_binds() {
    let wrong: Vec<String> = ALL
        .iter()
        .filter_map(|s| {
            let declared: BTreeSet<String> = s.params.iter().map(|p| p.to_string()).collect();
            let used = params_used(s.text);
            (used != declared).then(|| format!("{}: uses {used:?}, bound {declared:?}", s.name))
        })
        .chain(PARTS.iter().filter_map(|p| {
            let declared: BTreeSet<String> = p.params.iter().map(|p| p.to_string()).collect();
            let used = params_used(p.text);
            (used != declared).then(|| format!("{}: uses {used:?}, bound {declared:?}", p.name))
        }))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn columns_are_exactly_the_ones_the_statement_returns() {
    let wrong: Vec<String> = ALL
        .iter()
        .filter_map(|s| {
            let declared: Vec<String> = s.columns.iter().map(|c| c.to_string()).collect();
            let returned = columns_returned(s.text);
            (returned != declared)
                .then(|| format!("{}: returns {returned:?}, read {declared:?}", s.name))
        })
        .chain(PARTS.iter().filter_map(|p| {
            let declared: Vec<String> = p.columns.iter().map(|c| c.to_string()).collect();
            let returned = columns_returned(p.text);
            (returned != declared)
                .then(|| format!("{}: returns {returned:?}, read {declared:?}", p.name))
        }))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn binding_and_reading_are_held_to_the_declaration() {
    assert!(SKILL_BY_UUID.bind().checked().is_err(), "$uuid unbound");
    assert!(SKILL_BY_UUID.bind().param("uuid", "u").checked().is_ok());
    let extra = SKILL_BY_UUID.bind().param("uuid", "u").param("name", "n");
    assert!(extra.checked().is_err(), "$name is not a parameter");
}

#[test]
fn the_boundary_parsers_see_through_strings_names_and_comments() {
    let text = "// $gone; RETURN x\nMATCH (n {a: '$not; a param', `b$c`: $real}) /* $no */\n\
                WITH n, {k: 1, l: 2} AS m\nRETURN n.x AS first, count(*) AS `second`, m\nORDER BY first LIMIT $limit";
    assert_eq!(
        params_used(text),
        BTreeSet::from(["real".to_string(), "limit".to_string()])
    );
    assert_eq!(columns_returned(text), ["first", "second", "m"]);
}

#[test]
fn schema_splits_at_the_semicolons_the_parser_sees() {
    let stmts = statements(SCHEMA.text);
    assert!(stmts.len() >= 8);
    assert!(
        (stmts.iter()).all(|s| s.starts_with("CREATE") || s.starts_with("DROP")),
        "{stmts:#?}"
    );
    let tricky = "// a comment; not a split\nCREATE (:A {s: 'x;\ny'});\n/* ; */ CREATE (:`B;`);\n";
    assert_eq!(
        statements(tricky),
        ["CREATE (:A {s: 'x;\ny'})", "CREATE (:`B;`)"]
    );
}

/// Filters of every shape the composition takes: no condition, each anchor, each condition
/// under AND, OR and NOT, with and without a text.
fn example_filters() -> Vec<(&'static str, SkillFilter)> {
    use crate::graph::skill_filter::{Condition, Field};
    let is = |f: Field, v: &str| Condition::Is(f, v.to_string());
    let every = vec![
        is(Field::Source, "s"),
        Condition::Any(vec![
            is(Field::EducationLevel, "e"),
            is(Field::ComplexityLevel, "c"),
            Condition::All(vec![is(Field::Industry, "i"), is(Field::Keyword, "k")]),
        ]),
        Condition::Not(Box::new(Condition::Any(vec![
            is(Field::Type, "t"),
            is(Field::Framework, "f"),
            is(Field::Occupation, "15-1252"),
            is(Field::Credential, "c"),
        ]))),
        Condition::Any(vec![]),
    ];
    let with_text = |conditions: Vec<Condition>| SkillFilter {
        text: Some("data lit".into()),
        conditions,
    };
    vec![
        ("all", SkillFilter::default()),
        ("text", with_text(vec![])),
        ("framework", SkillFilter::framework("f")),
        (
            "occupation",
            SkillFilter::only(Field::Occupation, "15-1200"),
        ),
        ("credential", SkillFilter::only(Field::Credential, "c")),
        (
            "every condition",
            SkillFilter {
                text: None,
                conditions: every.clone(),
            },
        ),
        ("framework, text and every condition", {
            let mut c = vec![is(Field::Framework, "f")];
            c.extend(every);
            with_text(c)
        }),
    ]
}

/// The composed statements of [`example_filters`] with every tail, as the service sends them,
/// written to `tests/cypher/composed.cypher` for Neo4j's front end (`tests/cypher/check.mjs`).
/// A change to a part or to the composition changes this file; the test writes it and fails
/// until it is committed.
#[test]
fn composed_statements_are_written_for_the_front_end_check() {
    use crate::graph::listing::TextSearch;
    use crate::graph::skill_filter::{Facet, Sort, Tail};
    let tails = [
        ("page by name", Tail::Page(Sort::Name)),
        ("page by list order", Tail::Page(Sort::ListOrder)),
        ("page by date modified", Tail::Page(Sort::DateModified)),
        ("ranked", Tail::Ranked),
        ("count", Tail::Count),
        ("facet framework", Tail::Facet(Facet::Framework)),
        ("facet source", Tail::Facet(Facet::Source)),
        ("facet occupation", Tail::Facet(Facet::OccupationMajorGroup)),
        ("facet education", Tail::Facet(Facet::EducationLevel)),
    ];
    let mut out = String::from(
        "// Generated by the unit test composed_statements_are_written_for_the_front_end_check:\n\
         // the skill listing statements the service composes, one per filter shape and tail.\n",
    );
    let mut seen = BTreeSet::new();
    for search in [TextSearch::FullText, TextSearch::Contains] {
        for (name, filter) in example_filters() {
            for (tail_name, tail) in tails {
                if matches!(tail, Tail::Ranked) && filter.text.is_none() {
                    continue;
                }
                let bound = filter.compose(search, tail);
                let text = statements(bound.statement().1).join("\n");
                if seen.insert(text.clone()) {
                    out.push_str(&format!("\n// {name}, {tail_name} ({search:?})\n{text};\n"));
                }
            }
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cypher/composed.cypher");
    let before = std::fs::read_to_string(path).unwrap_or_default();
    if before != out {
        std::fs::write(path, &out).unwrap();
        panic!("tests/cypher/composed.cypher was out of date; it is written now: commit it");
    }
}
