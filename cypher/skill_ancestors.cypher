// Batch: the ancestors of many skills, up to five levels up, each once at its nearest depth.
// A path never repeats a relationship, so a cycle in the data ends where it closes (and the
// skill itself is never its own ancestor).
UNWIND $uuids AS uuid
MATCH path = (:Skill {uuid: uuid})-[:CHILD_OF*1..5]->(a:Skill)
WHERE a.uuid <> uuid
WITH uuid, a, min(length(path)) AS depth
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, [a.uuid, a.uri, a.created_time, a.modified_time, a.ctid, a.name, a.description,
    a.keywords, a.author, a.creator, a.reference_id, a.source_name, a.type_id,
    a.type_name, a.organizations, a.language, a.list_id, a.list_order, a.date_created,
    a.date_modified, a.education_levels, a.complexity_levels, a.weight, a.comments,
    a.industries] AS skill, depth
ORDER BY depth, a.name
