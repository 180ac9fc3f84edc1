// Ranking through the full-text index: Lucene's relevance score of each match, an exact name
// match (case aside) ranked above every other, then by uuid so equal scores keep one order
// across pages.
WITH s, score + CASE WHEN toLower(s.name) = $text THEN 1000.0 ELSE 0.0 END AS score
RETURN s {.*} AS skill, score
ORDER BY score DESC, s.uuid
SKIP $skip
LIMIT $limit
