// Learning events keyed by external_id: loading the same file twice creates nothing new.
UNWIND $rows AS row
MERGE (e:Employee {external_id: row.employee_external_id})
ON CREATE SET e.created_time = $now
MERGE (ev:LearningEvent {external_id: row.external_id})
SET ev += row.props,
    ev.event_type = 'learning',
    ev.employee_external_id = row.employee_external_id,
    ev.created_time = coalesce(ev.created_time, $now),
    ev.modified_time = $now
MERGE (e)-[:HAS_EVENT]->(ev)
FOREACH (link IN CASE WHEN row.course_id IS NULL THEN [] ELSE [1] END |
  MERGE (c:Course {id: row.course_id})
  MERGE (ev)-[:FOR_COURSE]->(c))
RETURN count(ev) AS n
