// One page of a skill's changes, newest first, before version $before: one seek of the
// (skill_uuid, version) index.
MATCH (c:Change {skill_uuid: $uuid})
WHERE c.version < $before
RETURN c {.*} AS change
ORDER BY c.version DESC
LIMIT $limit
