// Batch: occupations (e.g. O*NET-SOC codes) each skill is aligned to.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[r:HAS_OCCUPATION]->(o:Occupation)
RETURN uuid, r {.*} AS edge, o {.*} AS occupation
ORDER BY o.code
