// Skill listings are composed from parts at run time (src/graph/skill_filter.rs): an anchor
// (where the database starts: this one, or a framework, occupation, credential or the full-text
// index), the filter's other conditions appended to its WHERE, and a tail (a page in one order,
// a count, a facet or a ranking). Each condition is a plain predicate the planner can use (no
// `$x IS NULL OR ...`). This anchor: every skill with a name (skills known only as the target of
// an edge from a framework not imported yet have none); with `name IS NOT NULL` Neo4j reads the
// name index in order.
MATCH (s:Skill)
WHERE s.name IS NOT NULL
