// Newest first, after the (created_time, name) key of the previous page's last job; both
// columns run the same way, on the RETURN, so one index (job_created_name) serves the order.
// The tie is broken in a CASE, not an OR, for the reason skills_page.cypher gives.
  AND j.created_time <= $after_time
  AND j.name IS NOT NULL
  AND CASE WHEN j.created_time = $after_time THEN j.name < $after_name ELSE true END
RETURN j {.*} AS job
ORDER BY j.created_time DESC, j.name DESC
SKIP $skip
LIMIT $limit
