WITH s
ORDER BY s.name, s.uuid
SKIP $skip
LIMIT $limit
RETURN s {.*} AS skill
