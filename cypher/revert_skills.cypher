// Restores what an import changed, skill by skill, each at the version the revert read (a skill
// changed since is not written; the caller reports it): fields back to their values before, the
// edges it added removed, those it removed added back; the skills it created deleted. Each
// skill's version advances and the revert's change is recorded.
UNWIND $rows AS row
MATCH (s:Skill {uuid: row.uuid})
// The write lock first, then the version (an unlocked read may be stale: see curate_head).
SET s._lock = true
WITH s, row, coalesce(s.version, 0) = row.version AS fresh
REMOVE s._lock
WITH s, row
WHERE fresh
SET s += row.set, s.version = row.version + 1, s.modified_time = $now
WITH s, row
OPTIONAL MATCH (s)-[e:CHILD_OF]->(p:Skill)
WHERE p.uri IN row.unlink_parents
DELETE e
WITH DISTINCT s, row
OPTIONAL MATCH (s)-[r:ALIGNED_WITH]->(t:Skill)
WHERE t.uri + '|' + r.source + '|' + r.alignment_type IN row.unalign
DELETE r
WITH DISTINCT s, row
FOREACH (uri IN row.link_parents |
  MERGE (p:Skill {uri: uri})
  ON CREATE SET p.uuid = randomUUID()
  MERGE (s)-[:CHILD_OF]->(p))
FOREACH (a IN row.align |
  MERGE (t:Skill {uri: a.uri})
  ON CREATE SET t.uuid = randomUUID()
  MERGE (s)-[r:ALIGNED_WITH {source: a.source, alignment_type: a.alignment_type}]->(t)
  SET r.kind = a.kind, r.score = a.score)
WITH s, row
MATCH (log:ChangeLog {name: 'graph'})
// Numbered inside FOREACH, which runs its clauses row by row: outside it the planner may read
// log.seq for every row before it sets it for any (Eager), and number them all alike.
FOREACH (x IN [1] |
  SET log.seq = coalesce(log.seq, 0) + 1
  CREATE (c:Change)
  SET c = row.change, c.skill_uuid = s.uuid, c.version = s.version, c.seq = log.seq,
      c.at = $now, c.framework = head([(s)-[:PART_OF]->(f:Framework) | f.uuid]))
FOREACH (x IN CASE WHEN row.delete THEN [1] ELSE [] END | DETACH DELETE s)
RETURN collect(row.uuid) AS written
