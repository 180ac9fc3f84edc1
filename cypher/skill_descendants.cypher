// Batch: the descendants of many skills, up to five levels down, each once at its nearest
// depth. A path never repeats a relationship, so a cycle in the data ends where it closes (and
// the skill itself is never its own descendant).
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH path = (k:Skill {uuid: uuid})<-[:CHILD_OF*1..5]-(d:Skill)
USING INDEX SEEK k:Skill(uuid)
WHERE d.uuid <> uuid
WITH uuid, d, min(length(path)) AS depth
RETURN uuid, d {.*} AS skill, depth
ORDER BY depth, d.name
