// A skill a curator creates: its fields, in the framework when one is named, and its first
// change.
OPTIONAL MATCH (f:Framework {uuid: $framework})
CREATE (s:Skill {uuid: $uuid, uri: $uri})
SET s += $set, s.curated = $curated, s.version = 1, s.created_time = $now, s.modified_time = $now
FOREACH (x IN CASE WHEN f IS NULL THEN [] ELSE [f] END | MERGE (s)-[:PART_OF]->(x))
WITH s, f
MATCH (log:ChangeLog {name: 'graph'})
SET log.seq = coalesce(log.seq, 0) + 1
CREATE (c:Change)
SET c = $change, c.skill_uuid = s.uuid, c.version = 1, c.at = $now, c.seq = log.seq,
    c.framework = f.uuid
RETURN s {.*} AS skill
