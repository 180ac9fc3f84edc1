// Batch: the ancestors of many skills, up to five levels up, each once at its nearest depth.
// A path never repeats a relationship, so a cycle in the data ends where it closes (and the
// skill itself is never its own ancestor).
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH path = (k:Skill {uuid: uuid})-[:CHILD_OF*1..5]->(a:Skill)
USING INDEX SEEK k:Skill(uuid)
WHERE a.uuid <> uuid
WITH uuid, a, min(length(path)) AS depth
RETURN uuid, a {.*} AS skill, depth
ORDER BY depth, a.name
