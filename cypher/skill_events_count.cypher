MATCH (ev:LearningEvent)
WHERE $employee IS NULL OR ev.employee_external_id = $employee
RETURN count(ev) AS total
