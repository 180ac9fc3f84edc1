  AND j.created_by = $created_by
