// Frameworks in (name, uuid) order after a key (a framework without a name sorts first, as
// ''); skills are counted for the page's frameworks only. Frameworks are few: sorting them all is
// cheap, counting every framework's skills was not.
MATCH (f:Framework)
WITH f, coalesce(f.name, '') AS name
WHERE name >= $after_name
  AND CASE WHEN name = $after_name THEN f.uuid > $after_uuid ELSE true END
WITH f, name
ORDER BY name, f.uuid
SKIP $skip
LIMIT $limit
RETURN f {.*, skill_count: size([(f)<-[:PART_OF]-(s:Skill) | s])} AS framework
