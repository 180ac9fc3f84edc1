// Credential alignments (certifications, badges, degrees), merged by URI.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})
MERGE (c:Credential {uri: row.uri})
SET c.name = coalesce(row.name, c.name), c.credential_type = coalesce(row.credential_type, c.credential_type)
MERGE (s)-[r:ALIGNED_WITH_CREDENTIAL {source: row.source}]->(c)
SET r.kind = row.kind, r.score = row.score
RETURN count(r) AS n
