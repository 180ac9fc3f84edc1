// Batch: credentials (certifications, badges, degrees) each skill is aligned to.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[r:ALIGNED_WITH_CREDENTIAL]->(c:Credential)
RETURN uuid, r {.*} AS edge, c {.*} AS credential
ORDER BY c.name
