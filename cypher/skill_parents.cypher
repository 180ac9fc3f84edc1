// Batch: parents of many skills, one row per edge (grouped by the caller).
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[:CHILD_OF]->(p:Skill)
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, [p.uuid, p.uri, p.created_time, p.modified_time, p.ctid, p.name, p.description,
    p.keywords, p.author, p.creator, p.reference_id, p.source_name, p.type_id,
    p.type_name, p.organizations, p.language, p.list_id, p.list_order, p.date_created,
    p.date_modified, p.education_levels, p.complexity_levels, p.weight, p.comments,
    p.industries] AS skill
ORDER BY p.name
