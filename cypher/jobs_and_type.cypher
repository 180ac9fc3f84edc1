  AND j.type = $type
