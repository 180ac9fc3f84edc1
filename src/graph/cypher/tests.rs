//! The boundary between the Cypher files and the Rust code: every `$parameter` a file uses is
//! one the code binds (and the other way round), and every column the code reads is returned.
use std::collections::BTreeSet;

use super::*;

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
        .collect();
    assert_eq!(on_disk, declared, "cypher/ files and declared statements");
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
