// Batch: the parent links above many skills, up to five levels up, each link once (grouped by
// the caller, which walks them for the path to a root). A path never repeats a relationship, so
// a cycle in the data ends where it closes.
UNWIND $uuids AS uuid
MATCH (:Skill {uuid: uuid})-[:CHILD_OF*0..4]->(c:Skill)-[:CHILD_OF]->(p:Skill)
WITH DISTINCT uuid, c, p
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN uuid, c.uuid AS child,
    [p.uuid, p.uri, p.created_time, p.modified_time, p.ctid, p.name, p.description, p.keywords, p.author, p.creator, p.reference_id, p.source_name, p.type_id,
    p.type_name, p.organizations, p.language, p.list_id, p.list_order, p.date_created,
    p.date_modified, p.education_levels, p.complexity_levels, p.weight, p.comments,
    p.industries] AS skill
ORDER BY p.name, p.uuid
