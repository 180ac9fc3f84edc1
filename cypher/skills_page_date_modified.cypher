// A page newest first by the publisher's `dateModified` (skills without one last), then uuid
// descending, after the key of the previous page's last skill. Sorted after the filter (the
// database keeps only the page's top rows while it reads).
WITH s, coalesce(s.date_modified, '') AS key
WHERE key <= $after_key
  AND CASE WHEN key = $after_key THEN s.uuid < $after_uuid ELSE true END
RETURN s {.*} AS skill
ORDER BY key DESC, s.uuid DESC
SKIP $skip
LIMIT $limit
