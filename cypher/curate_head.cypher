// Head of every curation write but a create: the skill at the version the curator read (and
// the target skill, where the edit names one), or no row, and nothing written. The version
// advances, the change is recorded on a (:Change) node, and changes of the skill older than its
// last $keep are dropped. The skill's write lock is taken before its version is compared:
// under read committed an unlocked read may be stale, and two edits at one version would both
// pass (the lock is held to commit; `_lock` itself is never stored).
MATCH (s:Skill {uuid: $uuid})
SET s._lock = true
WITH s, coalesce(s.version, 0) = $version AS fresh
REMOVE s._lock
WITH s
WHERE fresh AND ($target IS NULL OR EXISTS { MATCH (:Skill {uuid: $target}) })
  // A parent being linked ($parent) must not descend from the skill: that would be a cycle.
  AND ($parent IS NULL OR NOT EXISTS { MATCH (:Skill {uuid: $parent})-[:CHILD_OF*]->(s) })
SET s.version = $version + 1, s.modified_time = $now
WITH s
MATCH (log:ChangeLog {name: 'graph'})
SET log.seq = coalesce(log.seq, 0) + 1
CREATE (c:Change)
SET c = $change, c.skill_uuid = s.uuid, c.version = s.version, c.at = $now, c.seq = log.seq,
    c.framework = head([(s)-[:PART_OF]->(f:Framework) | f.uuid])
WITH s
OPTIONAL MATCH (old:Change {skill_uuid: s.uuid})
WHERE old.version <= s.version - $keep
DELETE old
WITH DISTINCT s
OPTIONAL MATCH (t:Skill {uuid: $target})
