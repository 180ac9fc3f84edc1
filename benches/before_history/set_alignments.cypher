// Sets the skill alignments one source asserts for each skill, exactly: its other alignments
// from that source (another target or alignment type) are removed, and targets in frameworks
// not imported yet become stubs (uri and uuid only). One statement per batch does both.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
OPTIONAL MATCH (s)-[old:ALIGNED_WITH {source: row.source}]->(t:Skill)
WHERE NOT (t.uri + '|' + old.alignment_type) IN [e IN row.edges | e.to + '|' + e.alignment_type]
DELETE old
WITH DISTINCT s, row
UNWIND row.edges AS e
MERGE (t:Skill {uri: e.to})
ON CREATE SET t.uuid = randomUUID()
MERGE (s)-[r:ALIGNED_WITH {source: row.source, alignment_type: e.alignment_type}]->(t)
SET r.kind = e.kind, r.score = e.score
RETURN count(*) AS n
