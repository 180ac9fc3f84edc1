// Occupation alignments (e.g. O*NET-SOC codes), merged by code.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
MERGE (o:Occupation {code: row.code})
SET o.name = coalesce(row.name, o.name), o.framework = coalesce(row.framework, o.framework)
MERGE (s)-[r:HAS_OCCUPATION {source: row.source}]->(o)
SET r.kind = row.kind, r.score = row.score
RETURN count(r) AS n
