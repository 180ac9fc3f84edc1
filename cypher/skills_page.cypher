// A page in (name, uuid) order, after the key of the previous page's last skill (keyset: the
// range on name seeks into the index skill_name_uuid and reads it in order, so a deep page costs
// what the first does); `$skip` serves the seed's offset listings. The order is on the RETURN
// itself, not on a WITH before it: ArcadeDB serves index order only there. The existence
// predicate on uuid lets Neo4j use the two-property index. The tie on name is broken in a
// CASE: an OR across the two properties (or a NOT of an AND, which Neo4j rewrites into one) was
// planned as a union of two index reads and a sort of every skill. A deep page within a run of
// equal names reads the run's entries before the cursor.
  AND s.name >= $after_key
  AND s.uuid IS NOT NULL
  AND CASE WHEN s.name = $after_key THEN s.uuid > $after_uuid ELSE true END
RETURN s {.*} AS skill
ORDER BY s.name, s.uuid
SKIP $skip
LIMIT $limit
