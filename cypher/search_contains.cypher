// Ranked text search without a full-text index (ArcadeDB): the text as a case-insensitive
// substring, ranked 3 for an exact name, 2 for a name that contains it, 1 for a description
// that does; then by name and uuid.
MATCH (s:Skill)
WHERE s.name IS NOT NULL
  AND (toLower(s.name) CONTAINS $text OR toLower(coalesce(s.description, '')) CONTAINS $text)
WITH s, CASE
    WHEN toLower(s.name) = $text THEN 3.0
    WHEN toLower(s.name) CONTAINS $text THEN 2.0
    ELSE 1.0
  END AS score
RETURN s {.*} AS skill, score
ORDER BY score DESC, s.name, s.uuid
SKIP $skip
LIMIT $limit
