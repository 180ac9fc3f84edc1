// Batch: skill-to-skill alignments, one row per edge. Edge and target are returned as two
// columns rather than one nested map: some Bolt servers flatten nested map projections.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[r:ALIGNED_WITH]->(t:Skill)
RETURN uuid, r {.*} AS edge, t {.*} AS skill
ORDER BY r.source, r.score DESC, t.name
