// A page in (name, uuid) order, after the key of the previous page's last skill (keyset: the
// range on name seeks into the index and reads it in order, so a deep page costs what the first
// does); `$skip` serves the seed's offset listings.
  AND s.name >= $after_name
  AND (s.name > $after_name OR s.uuid > $after_uuid)
WITH s
ORDER BY s.name, s.uuid
SKIP $skip
LIMIT $limit
RETURN s {.*} AS skill
