// Batch: the parent links above many skills, up to five levels up, each link once (grouped by
// the caller, which walks them for the path to a root). A path never repeats a relationship, so
// a cycle in the data ends where it closes.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (k:Skill {uuid: uuid})-[:CHILD_OF*0..4]->(c:Skill)-[:CHILD_OF]->(p:Skill)
USING INDEX SEEK k:Skill(uuid)
WITH DISTINCT uuid, c, p
RETURN uuid, c.uuid AS child, p {.*} AS skill
ORDER BY p.name, p.uuid
