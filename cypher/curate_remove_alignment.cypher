// Removes the alignment (remove and reject); where an import asserted it (no curated_by), a
// REJECTED_ALIGNMENT edge keeps imports from asserting it again.
OPTIONAL MATCH (s)-[r:ALIGNED_WITH {source: $source, alignment_type: $alignment_type}]->(t)
WITH s, t, r, r IS NOT NULL AND r.curated_by IS NULL AS imported
DELETE r
WITH DISTINCT s, t, imported
FOREACH (_ IN CASE WHEN imported THEN [1] ELSE [] END |
  MERGE (s)-[:REJECTED_ALIGNMENT {alignment_type: $alignment_type}]->(t))
RETURN s {.*} AS skill
