// Skill-to-skill alignments; targets in frameworks not imported yet become stubs.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
MERGE (t:Skill {uri: row.to})
ON CREATE SET t.uuid = randomUUID()
MERGE (s)-[r:ALIGNED_WITH {source: row.source, alignment_type: row.alignment_type}]->(t)
SET r.kind = row.kind, r.score = row.score
RETURN count(r) AS n
