// Batch: skill-to-skill alignments, one row per edge. Edge and target are returned as two
// columns rather than one nested map: some Bolt servers flatten nested map projections.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[r:ALIGNED_WITH]->(t:Skill)
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, r {.*} AS edge, [t.uuid, t.uri, t.created_time, t.modified_time, t.ctid, t.name, t.description,
    t.keywords, t.author, t.creator, t.reference_id, t.source_name, t.type_id,
    t.type_name, t.organizations, t.language, t.list_id, t.list_order, t.date_created,
    t.date_modified, t.education_levels, t.complexity_levels, t.weight, t.comments,
    t.industries] AS skill
ORDER BY r.source, r.score DESC, t.name
