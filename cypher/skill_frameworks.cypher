// Batch: the framework each skill is part of.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (k:Skill {uuid: uuid})-[:PART_OF]->(f:Framework)
USING INDEX SEEK k:Skill(uuid)
RETURN uuid, f {.*} AS framework
