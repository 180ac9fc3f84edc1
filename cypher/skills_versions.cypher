// Batch: the version of each skill among $uuids that exists.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (s:Skill {uuid: uuid})
USING INDEX SEEK s:Skill(uuid)
RETURN uuid, coalesce(s.version, 0) AS version
