//! One rule for text from every entry path (curation, registry imports, file loads).
//!
//! - **Unsafe characters** are refused (the file loader refuses the row, the registry importer
//!   removes them and reports the document): control characters (tab, line feed and carriage
//!   return are text), and the bidirectional embeddings, overrides and isolates (U+202A to
//!   U+202E, U+2066 to U+2069) that make text display in an order other than it is stored
//!   ("Trojan Source", CVE-2021-42574). The bidirectional marks (U+200E, U+200F, U+061C) stay:
//!   right-to-left text needs them and they reorder nothing around them.
//! - **Blank** is only whitespace and invisible characters (zero-width spaces and joiners, the
//!   word joiner, the byte-order mark, the soft hyphen, the marks above).
//! - **Length** is counted in UTF-8 bytes, as the database stores it: a value in a range index
//!   (a skill's name, its source) at most [`MAX_INDEXED_BYTES`], which fits Neo4j's index key
//!   size limit (8 KB for a key, the uuid beside the name included); any other at most
//!   [`MAX_TEXT_BYTES`].

/// Longest value of a property in a range index, in UTF-8 bytes.
pub const MAX_INDEXED_BYTES: usize = 4_000;
/// Longest value of any other text property, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 10_000;

/// Whether `c` is refused in text.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Whether `c` shows nothing: whitespace, or a character without a glyph.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'
                ..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}' | '\u{180E}'
        )
}

/// Whether `s` shows nothing at all.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_invisible)
}

/// Why a text value is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TextError {
    #[error("{field}: {bytes} bytes, over the limit of {limit} bytes (UTF-8)")]
    TooLong {
        field: String,
        bytes: usize,
        limit: usize,
    },
    #[error("{field}: character U+{code:04X} is not allowed (control characters and bidirectional overrides or isolates)")]
    Unsafe { field: String, code: u32 },
}

/// The byte limit of `field` of a skill.
pub fn limit_of(field: &str) -> usize {
    match field {
        "name" | "source_name" | "uri" => MAX_INDEXED_BYTES,
        _ => MAX_TEXT_BYTES,
    }
}

/// Checks one value against the length limit of `field` and the unsafe characters.
pub fn check(field: &str, value: &str) -> Result<(), TextError> {
    let limit = limit_of(field);
    if value.len() > limit {
        return Err(TextError::TooLong {
            field: field.to_string(),
            bytes: value.len(),
            limit,
        });
    }
    match value.chars().find(|c| is_unsafe(*c)) {
        Some(c) => Err(TextError::Unsafe {
            field: field.to_string(),
            code: c as u32,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_overrides_and_isolates_are_unsafe_text_and_marks_are_not() {
        for c in [
            '\0', '\u{7}', '\u{7F}', '\u{85}', '\u{202E}', '\u{202A}', '\u{2066}', '\u{2067}',
            '\u{2069}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', 'a', 'é', '\u{200F}', '\u{061C}', '文'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn only_invisible_text_is_blank() {
        for s in ["", " ", "\u{200B}", "\u{FEFF}\u{2060}", " \u{00AD}\t"] {
            assert!(is_blank(s), "{s:?}");
        }
        for s in ["a", "\u{200B}a", "·"] {
            assert!(!is_blank(s), "{s:?}");
        }
    }

    #[test]
    fn limits_count_bytes_at_the_boundary() {
        assert!(check("name", &"a".repeat(MAX_INDEXED_BYTES)).is_ok());
        assert!(check("name", &"a".repeat(MAX_INDEXED_BYTES + 1)).is_err());
        // 1,334 characters of three bytes: far under 4,000 characters, over 4,000 bytes.
        let euros = "€".repeat(1_334);
        assert_eq!(
            check("name", &euros),
            Err(TextError::TooLong {
                field: "name".into(),
                bytes: 4_002,
                limit: MAX_INDEXED_BYTES
            })
        );
        assert!(check("description", &"a".repeat(MAX_TEXT_BYTES)).is_ok());
        assert!(check("description", &"a".repeat(MAX_TEXT_BYTES + 1)).is_err());
    }
}
