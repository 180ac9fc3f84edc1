// Set the parents of each child to exactly row.parents: stale CHILD_OF edges are removed,
// parents not imported yet are created as stubs (uri and uuid only). A parent a curator linked
// (curated_by) stays, one a curator removed (REMOVED_PARENT) is not linked again. Only
// children whose parents change are sent: each advances its version and records the change.
// A row one of whose parents descends from the child (as stored, under the hierarchy's lock)
// writes nothing and is returned with those parents (`closing`): linking them would close a
// cycle. Cycles among the rows themselves are broken before they are sent.
// No label on the old parent: with `(p:Skill)` Neo4j planned `NOT p.uri IN row.parents` as a
// scan of every skill's uri index entry for each row (10,000,000 db hits for 500 rows against
// 5,000 skills, seen with PROFILE on statistics of a store still filling); without it the only
// way is to expand from the child (4,900). CHILD_OF joins skills only.
UNWIND $rows AS row
MATCH (c:Skill {uri: row.child})
// Up from each new parent (a seek of the uri index; a pattern in a list predicate was planned
// as a scan of every skill per row): the parents the child is an ancestor of.
OPTIONAL MATCH (closer:Skill)
WHERE closer.uri IN row.parents AND EXISTS { (closer)-[:CHILD_OF*]->(c) }
WITH c, row, collect(closer.uri) AS closing
OPTIONAL MATCH (c)-[old:CHILD_OF]->(p)
WHERE closing = [] AND old.curated_by IS NULL AND NOT p.uri IN row.parents
DELETE old
WITH DISTINCT c, row, closing, CASE WHEN closing = [] THEN [1] ELSE [] END AS write
MATCH (log:ChangeLog {name: 'graph'})
FOREACH (x IN write | SET c.version = coalesce(c.version, 0) + 1)
FOREACH (x IN CASE WHEN row.change IS NULL THEN [] ELSE write END |
  SET log.seq = coalesce(log.seq, 0) + 1
  CREATE (ch:Change)
  SET ch = row.change, ch.skill_uuid = c.uuid, ch.version = c.version, ch.seq = log.seq,
      ch.at = $now, ch.framework = head([(c)-[:PART_OF]->(f:Framework) | f.uuid]))
FOREACH (parent_uri IN CASE WHEN write = [] THEN [] ELSE row.parents END |
  MERGE (p:Skill {uri: parent_uri})
  ON CREATE SET p.uuid = randomUUID())
// One more (null) parent keeps every row to the end.
WITH c, row, closing
UNWIND CASE WHEN closing = [] THEN row.parents ELSE [] END + [null] AS parent_uri
OPTIONAL MATCH (p:Skill {uri: parent_uri})
WHERE NOT EXISTS { (c)-[:REMOVED_PARENT]->(p) }
FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (c)-[:CHILD_OF]->(p))
WITH DISTINCT row.child AS child, closing
WHERE closing <> []
RETURN child, closing
