// Merge skills by URI. A skill first seen as the target of an edge (a stub without a name)
// is completed here and keeps its uuid. Each row carries the version the import read and its
// props without the fields curators set; a skill changed since it was read is not written
// (the caller reads it again), so a curator's edit is never overwritten. A row that changes
// the skill advances its version and records the import's change.
UNWIND $rows AS row
MERGE (s:Skill {uri: row.uri})
ON CREATE SET s.uuid = randomUUID()
// The write lock first, then the version (an unlocked read may be stale: see curate_head).
SET s._lock = true
WITH s, row, coalesce(s.version, 0) = row.version AS fresh
REMOVE s._lock
WITH s, row
WHERE fresh
SET s += row.props,
    s.version = row.version + CASE WHEN row.changed THEN 1 ELSE 0 END,
    s.created_time = coalesce(s.created_time, $now),
    s.modified_time = $now
WITH s, row
OPTIONAL MATCH (f:Framework {uri: row.framework_uri})
FOREACH (link IN CASE WHEN f IS NULL THEN [] ELSE [1] END | MERGE (s)-[:PART_OF]->(f))
WITH s, row, f
MATCH (log:ChangeLog {name: 'graph'})
FOREACH (x IN CASE WHEN row.change IS NULL THEN [] ELSE [1] END |
  SET log.seq = coalesce(log.seq, 0) + 1
  CREATE (c:Change)
  SET c = row.change, c.skill_uuid = s.uuid, c.version = s.version,
      c.at = $now, c.framework = f.uuid, c.seq = log.seq)
RETURN collect(DISTINCT row.uri) AS written
