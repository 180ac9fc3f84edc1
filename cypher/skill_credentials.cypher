// Batch: credentials (certifications, badges, degrees) each skill is aligned to.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (k:Skill {uuid: uuid})-[r:ALIGNED_WITH_CREDENTIAL]->(c:Credential)
USING INDEX SEEK k:Skill(uuid)
RETURN uuid, r {.*} AS edge, c {.*} AS credential
ORDER BY c.name
