// Anchor: the skills of an occupation code and every code below it: `$prefix` is the code's SOC
// group prefix (`15-` for major group 15-0000, `15-12` for minor group 15-1200, the code itself
// at the detailed level), so a skill aligned to `15-1252.00` is listed for all of its groups.
// The unique index on Occupation(code) serves the prefix; a skill aligned to several codes of
// the group is listed once.
MATCH (of_occupation:Occupation)<-[:HAS_OCCUPATION]-(s:Skill)
WHERE of_occupation.code STARTS WITH $prefix
WITH DISTINCT s
WHERE s.name IS NOT NULL
