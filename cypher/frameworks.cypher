MATCH (f:Framework)
OPTIONAL MATCH (f)<-[:PART_OF]-(s:Skill)
WITH f, count(s) AS skill_count
ORDER BY f.name, f.uuid
SKIP $skip
LIMIT $limit
RETURN f {.*, skill_count: skill_count} AS framework
