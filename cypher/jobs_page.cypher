// Newest first, after the (created_time, name) key of the previous page's last job.
  AND j.created_time <= $after_time
  AND (j.created_time < $after_time OR j.name > $after_name)
WITH j
ORDER BY j.created_time DESC, j.name
SKIP $skip
LIMIT $limit
RETURN j {.*} AS job
