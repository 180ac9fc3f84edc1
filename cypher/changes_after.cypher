// The changes numbered after $after, in order, at most $limit: one range of the change_seq
// index (graphChanges reads it each watch interval on every replica, and a subscriber that
// resumes reads its own).
MATCH (c:Change)
WHERE c.seq > $after
RETURN c {.*} AS change
ORDER BY c.seq
LIMIT $limit
