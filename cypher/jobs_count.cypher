// Jobs matching the listing's filters (type and status are optional).
MATCH (j:Job)
WHERE ($type IS NULL OR j.type = $type)
  AND ($status IS NULL OR j.status = $status)
  AND ($created_by IS NULL OR j.created_by = $created_by)
RETURN count(j) AS total
