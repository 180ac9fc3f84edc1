// A page in (name, uuid) order, after the key of the previous page's last skill (keyset: the
// range on name seeks into the index skill_name_uuid and reads it in order, so a deep page costs
// what the first does); `$skip` serves the seed's offset listings. The order is on the RETURN
// itself, not on a WITH before it: ArcadeDB serves index order only there. The existence
// predicate on uuid lets Neo4j use the two-property index.
  AND s.name >= $after_key
  AND s.uuid IS NOT NULL
  AND (s.name > $after_key OR s.uuid > $after_uuid)
RETURN s {.*} AS skill
ORDER BY s.name, s.uuid
SKIP $skip
LIMIT $limit
