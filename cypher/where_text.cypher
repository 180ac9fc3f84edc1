// Condition: the text as a case-insensitive substring of the name or description (where the
// full-text index is not there, or the text has no word to look it up by).
toLower(s.name) CONTAINS $text OR toLower(coalesce(s.description, '')) CONTAINS $text
