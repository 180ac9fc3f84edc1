// Batch: the framework each skill is part of.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[:PART_OF]->(f:Framework)
RETURN uuid, f {.*} AS framework
