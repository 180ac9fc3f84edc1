// Links the target as a parent that imports do not remove; a removal recorded earlier goes.
MERGE (s)-[e:CHILD_OF]->(t)
SET e.curated_by = $by
WITH s, t
OPTIONAL MATCH (s)-[x:REMOVED_PARENT]->(t)
DELETE x
WITH DISTINCT s
RETURN s {.*} AS skill
