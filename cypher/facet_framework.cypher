// Facet: the matching skills counted per framework (most first, at most 100 values).
MATCH (s)-[:PART_OF]->(f:Framework)
WITH f, count(DISTINCT s) AS n
RETURN f.uuid AS value, f.name AS label, n
ORDER BY n DESC, label, value
LIMIT 100
