// Batch: the descendants of many skills, up to five levels down, each once at its nearest
// depth. A path never repeats a relationship, so a cycle in the data ends where it closes (and
// the skill itself is never its own descendant).
UNWIND $uuids AS uuid
MATCH path = (:Skill {uuid: uuid})<-[:CHILD_OF*1..5]-(d:Skill)
WHERE d.uuid <> uuid
WITH uuid, d, min(length(path)) AS depth
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, [d.uuid, d.uri, d.created_time, d.modified_time, d.ctid, d.name, d.description,
    d.keywords, d.author, d.creator, d.reference_id, d.source_name, d.type_id,
    d.type_name, d.organizations, d.language, d.list_id, d.list_order, d.date_created,
    d.date_modified, d.education_levels, d.complexity_levels, d.weight, d.comments,
    d.industries] AS skill, depth
ORDER BY depth, d.name
