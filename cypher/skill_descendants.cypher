// Batch: the descendants of many skills, up to five levels down, each once at its nearest
// depth. A path never repeats a relationship, so a cycle in the data ends where it closes (and
// the skill itself is never its own descendant).
UNWIND $uuids AS uuid
MATCH path = (:Skill {uuid: uuid})<-[:CHILD_OF*1..5]-(d:Skill)
WHERE d.uuid <> uuid
WITH uuid, d, min(length(path)) AS depth
RETURN uuid, d {.*} AS skill, depth
ORDER BY depth, d.name
