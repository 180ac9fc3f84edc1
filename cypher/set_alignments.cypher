// Sets the skill alignments one source asserts for each skill, exactly: its other alignments
// from that source (another target or alignment type) are removed, and targets in frameworks
// not imported yet become stubs (uri and uuid only). One statement per batch does both.
// What curators decided stays: an alignment they added or accepted (curated_by) is neither
// changed nor removed, one they rejected is not asserted again. Only skills whose alignments
// change are sent: each advances its version and records the change.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
OPTIONAL MATCH (s)-[old:ALIGNED_WITH {source: row.source}]->(t:Skill)
WHERE old.curated_by IS NULL
  AND NOT (t.uri + '|' + old.alignment_type) IN [e IN row.edges | e.to + '|' + e.alignment_type]
DELETE old
WITH DISTINCT s, row
SET s.version = coalesce(s.version, 0) + 1
WITH s, row
MATCH (log:ChangeLog {name: 'graph'})
FOREACH (x IN CASE WHEN row.change IS NULL THEN [] ELSE [1] END |
  SET log.seq = coalesce(log.seq, 0) + 1
  CREATE (ch:Change)
  SET ch = row.change, ch.skill_uuid = s.uuid, ch.version = s.version, ch.seq = log.seq,
      ch.at = $now, ch.framework = head([(s)-[:PART_OF]->(f:Framework) | f.uuid]))
WITH s, row
UNWIND row.edges AS e
MERGE (t:Skill {uri: e.to})
ON CREATE SET t.uuid = randomUUID()
WITH s, row, e, t
WHERE NOT EXISTS { (s)-[:REJECTED_ALIGNMENT {alignment_type: e.alignment_type}]->(t) }
MERGE (s)-[r:ALIGNED_WITH {source: row.source, alignment_type: e.alignment_type}]->(t)
SET r.kind = CASE WHEN r.curated_by IS NULL THEN e.kind ELSE r.kind END,
    r.score = CASE WHEN r.curated_by IS NULL THEN e.score ELSE r.score END
RETURN count(*) AS n
