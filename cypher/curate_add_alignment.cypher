// Aligns the skill to the target, asserted by the curator: imports neither change nor remove
// it; a rejection of the same alignment recorded earlier goes.
MERGE (s)-[r:ALIGNED_WITH {source: $source, alignment_type: $alignment_type}]->(t)
SET r.kind = 'aligned', r.score = $score, r.curated_by = $by
WITH s, t
OPTIONAL MATCH (s)-[x:REJECTED_ALIGNMENT {alignment_type: $alignment_type}]->(t)
DELETE x
WITH DISTINCT s
RETURN s {.*} AS skill
