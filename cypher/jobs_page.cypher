// Newest first; type, status and creator filters are optional.
MATCH (j:Job)
WHERE ($type IS NULL OR j.type = $type)
  AND ($status IS NULL OR j.status = $status)
  AND ($created_by IS NULL OR j.created_by = $created_by)
WITH j
ORDER BY j.created_time DESC, j.name
SKIP $skip
LIMIT $limit
RETURN j {.*} AS job
