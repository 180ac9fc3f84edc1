// Anchor of an unfiltered page in name order: every named skill, read from skill_name_uuid.
// The hint makes the plan the same on any statistics: planned on an empty store, Neo4j once
// read every skill through the uuid index and sorted them (30,068 db hits for 11 rows at
// 10,000 skills). A filter's listing leaves the choice to the planner, which may start from a
// rarer condition's index.
MATCH (s:Skill)
USING INDEX SEEK s:Skill(name, uuid)
WHERE s.name IS NOT NULL
