// Shared MATCH of the skill listings. Skills known only as the target of an edge from another
// framework (not imported yet) have no name and are left out.
MATCH (s:Skill)
WHERE s.name IS NOT NULL
  AND ($text IS NULL
       OR toLower(s.name) CONTAINS $text
       OR toLower(coalesce(s.description, '')) CONTAINS $text)
  AND ($source IS NULL OR s.source_name = $source)
  AND ($framework IS NULL
       OR EXISTS { MATCH (s)-[:PART_OF]->(f:Framework) WHERE f.uuid = $framework OR f.uri = $framework })
