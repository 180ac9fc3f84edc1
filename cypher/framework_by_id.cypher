// One framework by its uuid or its URI (both unique), with its number of skills.
MATCH (f:Framework)
WHERE f.uuid = $id OR f.uri = $id
RETURN f {.*, skill_count: size([(f)<-[:PART_OF]-(s:Skill) | s])} AS framework
LIMIT 1
