// Set the parents of each child to exactly row.parents: stale CHILD_OF edges are removed,
// parents not imported yet are created as stubs (uri and uuid only).
UNWIND $rows AS row
MATCH (c:Skill {uri: row.child})
OPTIONAL MATCH (c)-[old:CHILD_OF]->(p:Skill)
WHERE NOT p.uri IN row.parents
DELETE old
WITH DISTINCT c, row
UNWIND row.parents AS parent_uri
MERGE (p:Skill {uri: parent_uri})
ON CREATE SET p.uuid = randomUUID()
MERGE (c)-[:CHILD_OF]->(p)
RETURN count(*) AS n
