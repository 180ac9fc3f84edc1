// Ranking through the full-text index: Lucene's relevance score of each match, an exact name
// match (case aside) ranked above every other, then by uuid so equal scores keep one order
// across pages.
WITH s, score + CASE WHEN toLower(s.name) = $text THEN 1000.0 ELSE 0.0 END AS score
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN [s.uuid, s.uri, s.created_time, s.modified_time, s.ctid, s.name, s.description,
    s.keywords, s.author, s.creator, s.reference_id, s.source_name, s.type_id,
    s.type_name, s.organizations, s.language, s.list_id, s.list_order, s.date_created,
    s.date_modified, s.education_levels, s.complexity_levels, s.weight, s.comments,
    s.industries] AS skill, score
ORDER BY score DESC, s.uuid
SKIP $skip
LIMIT $limit
