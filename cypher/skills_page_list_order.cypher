// A page in the publisher's list order (`listID`, digits compared as numbers; unlisted skills
// last), then uuid, after the key of the previous page's last skill. Sorted after the filter:
// the order needs a framework, so at most a framework's skills are sorted.
WITH s, coalesce(s.list_order, '~') AS key
WHERE key >= $after_key
  AND CASE WHEN key = $after_key THEN s.uuid > $after_uuid ELSE true END
RETURN s {.*} AS skill
ORDER BY key, s.uuid
SKIP $skip
LIMIT $limit
