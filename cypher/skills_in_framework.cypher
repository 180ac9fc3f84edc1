// Anchor: the skills of one framework (by uuid or uri, both unique), found from the framework.
MATCH (in_framework:Framework)<-[:PART_OF]-(s:Skill)
WHERE (in_framework.uuid = $framework OR in_framework.uri = $framework)
  AND s.name IS NOT NULL
