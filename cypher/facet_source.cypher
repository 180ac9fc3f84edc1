// Facet: the matching skills counted per source (most first, at most 100 values).
WITH s.source_name AS value, count(s) AS n
WHERE value IS NOT NULL
RETURN value, value AS label, n
ORDER BY n DESC, value
LIMIT 100
