// Batch: the version of each skill among $uuids that exists.
UNWIND $uuids AS uuid
MATCH (s:Skill {uuid: uuid})
RETURN uuid, coalesce(s.version, 0) AS version
