// Sets the occupations (e.g. O*NET-SOC codes) one source asserts for each skill, exactly: its
// other occupation edges from that source are removed; occupations are merged by code.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
OPTIONAL MATCH (s)-[old:HAS_OCCUPATION {source: row.source}]->(o:Occupation)
WHERE NOT o.code IN [e IN row.edges | e.code]
DELETE old
WITH DISTINCT s, row
UNWIND row.edges AS e
MERGE (o:Occupation {code: e.code})
SET o.name = coalesce(e.name, o.name), o.framework = coalesce(e.framework, o.framework)
MERGE (s)-[r:HAS_OCCUPATION {source: row.source}]->(o)
SET r.kind = e.kind, r.score = e.score
RETURN count(*) AS n
