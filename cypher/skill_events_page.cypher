// Skill events, newest first; optionally of one employee and of one type.
MATCH (ev:SkillEvent)
WHERE ($employee IS NULL OR ev.employee_external_id = $employee)
  AND ($event_type IS NULL OR ev.event_type = $event_type)
WITH ev
ORDER BY ev.timestamp DESC, ev.external_id
SKIP $skip
LIMIT $limit
RETURN ev {.*} AS event
