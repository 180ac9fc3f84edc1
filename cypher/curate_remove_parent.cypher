// Unlinks the parent; where an import linked it (no curated_by), a REMOVED_PARENT edge keeps
// imports from linking it again.
OPTIONAL MATCH (s)-[e:CHILD_OF]->(t)
WITH s, t, e, e IS NOT NULL AND e.curated_by IS NULL AS imported
DELETE e
WITH DISTINCT s, t, imported
FOREACH (_ IN CASE WHEN imported THEN [1] ELSE [] END | MERGE (s)-[:REMOVED_PARENT]->(t))
RETURN s {.*} AS skill
