// Ranking without a full-text index (ArcadeDB, or a text with no word): 3 for an exact name
// (case aside), 2 for a name that contains the text, 1 for a description that does; then by
// name and uuid.
WITH s, CASE
    WHEN toLower(s.name) = $text THEN 3.0
    WHEN toLower(s.name) CONTAINS $text THEN 2.0
    ELSE 1.0
  END AS score
RETURN s {.*} AS skill, score
ORDER BY score DESC, s.name, s.uuid
SKIP $skip
LIMIT $limit
