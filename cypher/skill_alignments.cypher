// Batch: skill-to-skill alignments, one row per edge. Edge and target are returned as two
// columns rather than one nested map: some Bolt servers flatten nested map projections.
// The index hint holds on any statistics: planned on an empty store, Neo4j scanned the whole
// uuid index for each key (100,040 db hits for 10 skills of 10,000).
UNWIND $uuids AS uuid
MATCH (k:Skill {uuid: uuid})-[r:ALIGNED_WITH]->(t:Skill)
USING INDEX SEEK k:Skill(uuid)
RETURN uuid, r {.*} AS edge, t {.*} AS skill
ORDER BY r.source, r.score DESC, t.name
