// Skill events keyed by external_id: loading the same file twice creates nothing new, and a
// reloaded event takes the new row's values (its props name every column of its type, null for
// the empty ones, which removes them) and moves to the employee and course the row names.
// `SET ev = row.props` would also drop another type's columns, at twice the cost on ArcadeDB.
// `load_job`/`load_line` say which load and line wrote it last (for duplicates within a file).
UNWIND $rows AS row
MERGE (ev:SkillEvent {external_id: row.external_id})
ON CREATE SET ev.created_time = $now
SET ev += row.props,
    ev.employee_external_id = row.employee_external_id,
    ev.modified_time = $now,
    ev.load_job = $load,
    ev.load_line = row.line
WITH row, ev
MERGE (e:Employee {external_id: row.employee_external_id})
ON CREATE SET e.created_time = $now
// Written from the event: ArcadeDB checks a MERGEd edge from the node written first, and an
// employee's edges grow with every load (Neo4j checks from the side with fewer either way).
MERGE (ev)<-[:HAS_EVENT]-(e)
WITH row, ev, e
FOREACH (h IN [(ev)<-[h:HAS_EVENT]-(o) WHERE o <> e | h] | DELETE h)
FOREACH (f IN [(ev)-[f:FOR_COURSE]->(c) WHERE row.course_id IS NULL OR c.id <> row.course_id | f] | DELETE f)
FOREACH (link IN CASE WHEN row.course_id IS NULL THEN [] ELSE [1] END |
  MERGE (c:Course {id: row.course_id})
  MERGE (ev)-[:FOR_COURSE]->(c))
RETURN count(ev) AS n
