// Batch: the parent links above many skills, up to five levels up, each link once (grouped by
// the caller, which walks them for the path to a root). A path never repeats a relationship, so
// a cycle in the data ends where it closes.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[:CHILD_OF*0..4]->(c:Skill)-[:CHILD_OF]->(p:Skill)
WITH DISTINCT uuid, c, p
RETURN uuid, c.uuid AS child, p {.*} AS skill
ORDER BY p.name, p.uuid
