// Set the parents of each child to exactly row.parents: stale CHILD_OF edges are removed,
// parents not imported yet are created as stubs (uri and uuid only). A parent a curator linked
// (curated_by) stays, one a curator removed (REMOVED_PARENT) is not linked again. Only
// children whose parents change are sent: each advances its version and records the change.
// No label on the old parent: with `(p:Skill)` Neo4j planned `NOT p.uri IN row.parents` as a
// scan of every skill's uri index entry for each row (10,000,000 db hits for 500 rows against
// 5,000 skills, seen with PROFILE on statistics of a store still filling); without it the only
// way is to expand from the child (4,900). CHILD_OF joins skills only.
UNWIND $rows AS row
MATCH (c:Skill {uri: row.child})
OPTIONAL MATCH (c)-[old:CHILD_OF]->(p)
WHERE old.curated_by IS NULL AND NOT p.uri IN row.parents
DELETE old
WITH DISTINCT c, row
SET c.version = coalesce(c.version, 0) + 1
FOREACH (x IN CASE WHEN row.change IS NULL THEN [] ELSE [1] END |
  CREATE (ch:Change)
  SET ch = row.change, ch.skill_uuid = c.uuid, ch.version = c.version,
      ch.at = $now, ch.framework = head([(c)-[:PART_OF]->(f:Framework) | f.uuid]))
WITH c, row
UNWIND row.parents AS parent_uri
MERGE (p:Skill {uri: parent_uri})
ON CREATE SET p.uuid = randomUUID()
WITH c, p
WHERE NOT EXISTS { (c)-[:REMOVED_PARENT]->(p) }
MERGE (c)-[:CHILD_OF]->(p)
RETURN count(*) AS n
