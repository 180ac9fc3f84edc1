// A suggested alignment becomes aligned, the curator's: imports neither change nor remove it.
OPTIONAL MATCH (s)-[r:ALIGNED_WITH {source: $source, alignment_type: $alignment_type}]->(t)
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [r] END |
  SET x.kind = 'aligned', x.curated_by = $by)
WITH DISTINCT s
RETURN s {.*} AS skill
