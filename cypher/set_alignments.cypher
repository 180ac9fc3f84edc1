// Sets the skill alignments one source asserts for each skill, exactly: its other alignments
// from that source (another target or alignment type) are removed, and targets in frameworks
// not imported yet become stubs (uri and uuid only). One statement per batch does both.
// What curators decided stays: an alignment they added or accepted (curated_by) is neither
// changed nor removed, one they rejected is not asserted again.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
OPTIONAL MATCH (s)-[old:ALIGNED_WITH {source: row.source}]->(t:Skill)
WHERE old.curated_by IS NULL
  AND NOT (t.uri + '|' + old.alignment_type) IN [e IN row.edges | e.to + '|' + e.alignment_type]
DELETE old
WITH DISTINCT s, row
UNWIND row.edges AS e
MERGE (t:Skill {uri: e.to})
ON CREATE SET t.uuid = randomUUID()
WITH s, row, e, t
WHERE NOT EXISTS { (s)-[:REJECTED_ALIGNMENT {alignment_type: e.alignment_type}]->(t) }
MERGE (s)-[r:ALIGNED_WITH {source: row.source, alignment_type: e.alignment_type}]->(t)
SET r.kind = CASE WHEN r.curated_by IS NULL THEN e.kind ELSE r.kind END, r.score = e.score
RETURN count(*) AS n
