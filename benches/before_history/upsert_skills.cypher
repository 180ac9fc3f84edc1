// Merge skills by URI. A skill first seen as the target of an edge (a stub without a name)
// is completed here and keeps its uuid.
UNWIND $rows AS row
MERGE (s:Skill {uri: row.uri})
ON CREATE SET s.uuid = randomUUID()
SET s += row.props,
    s.created_time = coalesce(s.created_time, $now),
    s.modified_time = $now
WITH s, row
OPTIONAL MATCH (f:Framework {uri: row.framework_uri})
FOREACH (link IN CASE WHEN f IS NULL THEN [] ELSE [1] END | MERGE (s)-[:PART_OF]->(f))
RETURN count(s) AS n
