// Batch: children of many skills, one row per edge (grouped by the caller).
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})<-[:CHILD_OF]-(c:Skill)
RETURN uuid, c {.*} AS skill
ORDER BY c.name
