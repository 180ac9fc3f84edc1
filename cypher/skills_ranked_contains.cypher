// Ranking without a full-text index (ArcadeDB, or a text with no word): 3 for an exact name
// (case aside), 2 for a name that contains the text, 1 for a description that does; then by
// name and uuid.
WITH s, CASE
    WHEN toLower(s.name) = $text THEN 3.0
    WHEN toLower(s.name) CONTAINS $text THEN 2.0
    ELSE 1.0
  END AS score
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN [s.uuid, s.uri, s.created_time, s.modified_time, s.ctid, s.name, s.description,
    s.keywords, s.author, s.creator, s.reference_id, s.source_name, s.type_id,
    s.type_name, s.organizations, s.language, s.list_id, s.list_order, s.date_created,
    s.date_modified, s.education_levels, s.complexity_levels, s.weight, s.comments,
    s.industries] AS skill, score
ORDER BY score DESC, s.name, s.uuid
SKIP $skip
LIMIT $limit
