// Skill listings of one framework (by uuid or uri, both unique): found from the framework.
MATCH (f:Framework)<-[:PART_OF]-(s:Skill)
WHERE (f.uuid = $framework OR f.uri = $framework)
  AND s.name IS NOT NULL
