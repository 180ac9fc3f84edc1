// A credential and the skills it requires (its condition profiles' target competencies, and
// every skill of a framework required as a whole), set exactly: its requirement edges from this
// source to skills no longer named are removed. Skills are found by their unique uri, so each
// lookup is an index seek. Returns the named skills not in the graph.
MERGE (c:Credential {uri: $uri})
SET c += $props
WITH c
OPTIONAL MATCH (s:Skill)
WHERE s.uri IN $skills
WITH c, collect(s) AS named
OPTIONAL MATCH (fs:Skill)-[:PART_OF]->(f:Framework)
WHERE f.uri IN $frameworks
WITH c, named, named + collect(fs) AS required
OPTIONAL MATCH (o:Skill)-[old:ALIGNED_WITH_CREDENTIAL {source: $source}]->(c)
WHERE NOT o IN required
DELETE old
WITH DISTINCT c, named, required
FOREACH (s IN required |
  MERGE (s)-[r:ALIGNED_WITH_CREDENTIAL {source: $source}]->(c)
  SET r.kind = 'required')
RETURN [u IN $skills WHERE NOT u IN [s IN named | s.uri]] AS missing
