// Skill events, newest first; optionally of one employee.
MATCH (ev:LearningEvent)
WHERE $employee IS NULL OR ev.employee_external_id = $employee
WITH ev
ORDER BY ev.timestamp DESC, ev.external_id
SKIP $skip
LIMIT $limit
RETURN ev {.*} AS event
