  AND j.status = $status
