  AND (toLower(s.name) CONTAINS $text OR toLower(coalesce(s.description, '')) CONTAINS $text)
