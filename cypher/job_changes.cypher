// One page of what a job changed, in the order it wrote, after the (at, id) key of the previous
// page's last change: one range of the (job, at, id) index. The tie is broken in a CASE: under
// an OR Neo4j could read every change through the unique index on id.
MATCH (c:Change {job: $job})
WHERE c.at >= $after_at
  AND CASE WHEN c.at = $after_at THEN c.id > $after_id ELSE true END
RETURN c {.*} AS change
ORDER BY c.at, c.id
SKIP $skip
LIMIT $limit
