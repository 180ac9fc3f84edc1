// Batch: children of many skills, one row per edge (grouped by the caller), in the publisher's
// list order where it has one, then by name.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})<-[:CHILD_OF]-(c:Skill)
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, [c.uuid, c.uri, c.created_time, c.modified_time, c.ctid, c.name, c.description,
    c.keywords, c.author, c.creator, c.reference_id, c.source_name, c.type_id,
    c.type_name, c.organizations, c.language, c.list_id, c.list_order, c.date_created,
    c.date_modified, c.education_levels, c.complexity_levels, c.weight, c.comments,
    c.industries] AS skill
ORDER BY c.list_order, c.name
