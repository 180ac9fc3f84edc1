// Batch: every recorded change of the skills among $uuids (a revert checks what came later).
UNWIND $uuids AS uuid
MATCH (c:Change {skill_uuid: uuid})
RETURN c {.*} AS change
