// One page of what a job changed, in the order it wrote, after the (at, id) key of the previous
// page's last change: one range of the (job, at, id) index.
MATCH (c:Change {job: $job})
WHERE c.at >= $after_at AND (c.at > $after_at OR c.id > $after_id)
RETURN c {.*} AS change
ORDER BY c.at, c.id
SKIP $skip
LIMIT $limit
