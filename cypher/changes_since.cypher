// Every change recorded at or after $since, oldest first, at most $limit: one range of the
// change_at index (graphChanges reads it each watch interval on every replica).
MATCH (c:Change)
WHERE c.at >= $since
RETURN c {.*} AS change
ORDER BY c.at, c.id
LIMIT $limit
