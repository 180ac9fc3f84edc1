// Batch: children of many skills, one row per edge (grouped by the caller), in the publisher's
// list order where it has one, then by name.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})<-[:CHILD_OF]-(c:Skill)
RETURN uuid, c {.*} AS skill
ORDER BY c.list_order, c.name
