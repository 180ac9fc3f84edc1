// Newest first; type and status filters are optional.
MATCH (j:Job)
WHERE ($type IS NULL OR j.type = $type)
  AND ($status IS NULL OR j.status = $status)
WITH j
ORDER BY j.created_time DESC, j.name
SKIP $skip
LIMIT $limit
RETURN j {.*} AS job
