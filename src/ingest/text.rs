//! Characters no source may bring into the graph: control characters (tab, line feed and
//! carriage return are text) and the bidirectional embeddings and overrides (U+202A to U+202E),
//! which make a name read differently from what it is. The file loader refuses a row holding
//! one; the registry importer removes them and reports the document.

/// Whether `c` is refused in imported text.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || ('\u{202A}'..='\u{202E}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_unsafe_text_is_not() {
        for c in ['\0', '\u{7}', '\u{7F}', '\u{85}', '\u{202E}', '\u{202A}'] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in ['\t', '\n', '\r', 'a', 'é', '\u{200F}', '\u{2066}', '文'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }
}
