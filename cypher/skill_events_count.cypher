MATCH (ev:SkillEvent)
WHERE ($employee IS NULL OR ev.employee_external_id = $employee)
  AND ($event_type IS NULL OR ev.event_type = $event_type)
RETURN count(ev) AS total
