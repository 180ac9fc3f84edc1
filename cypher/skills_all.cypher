// Skill listings are composed from parts, one statement per filter combination, so each filter
// is a plain predicate the planner can use (no `$x IS NULL OR ...`). This part: every skill with
// a name (skills known only as the target of an edge from a framework not imported yet have
// none); with `name IS NOT NULL` Neo4j reads the name index in order.
MATCH (s:Skill)
WHERE s.name IS NOT NULL
