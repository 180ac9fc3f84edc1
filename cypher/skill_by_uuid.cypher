MATCH (s:Skill {uuid: $uuid})
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN [s.uuid, s.uri, s.created_time, s.modified_time, s.ctid, s.name, s.description,
    s.keywords, s.author, s.creator, s.reference_id, s.source_name, s.type_id,
    s.type_name, s.organizations, s.language, s.list_id, s.list_order, s.date_created,
    s.date_modified, s.education_levels, s.complexity_levels, s.weight, s.comments,
    s.industries] AS skill
