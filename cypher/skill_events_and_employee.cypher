  AND ev.employee_external_id = $employee
