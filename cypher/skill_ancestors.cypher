// Batch: the ancestors of many skills, up to five levels up, each once at its nearest depth.
// A path never repeats a relationship, so a cycle in the data ends where it closes (and the
// skill itself is never its own ancestor).
UNWIND $uuids AS uuid
MATCH path = (:Skill {uuid: uuid})-[:CHILD_OF*1..5]->(a:Skill)
WHERE a.uuid <> uuid
WITH uuid, a, min(length(path)) AS depth
RETURN uuid, a {.*} AS skill, depth
ORDER BY depth, a.name
