// Batch: children of many skills, one row per edge (grouped by the caller), in the publisher's
// list order where it has one, then by name.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (k:Skill {uuid: uuid})<-[:CHILD_OF]-(c:Skill)
USING INDEX SEEK k:Skill(uuid)
RETURN uuid, c {.*} AS skill
ORDER BY c.list_order, c.name
