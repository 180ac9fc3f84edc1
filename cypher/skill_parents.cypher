// Batch: parents of many skills, one row per edge (grouped by the caller).
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[:CHILD_OF]->(p:Skill)
RETURN uuid, p {.*} AS skill
ORDER BY p.name
