// Occupation alignments a source no longer asserts for a skill are removed. row.keep: codes.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})-[r:HAS_OCCUPATION]->(o:Occupation)
WHERE r.source = row.source AND NOT o.code IN row.keep
DELETE r
RETURN count(*) AS n
