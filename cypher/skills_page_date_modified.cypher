// A page newest first by the publisher's `dateModified` (skills without one last), then uuid
// descending, after the key of the previous page's last skill. Sorted after the filter (the
// database keeps only the page's top rows while it reads).
WITH s, coalesce(s.date_modified, '') AS key
WHERE key < $after_key OR (key = $after_key AND s.uuid < $after_uuid)
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN [s.uuid, s.uri, s.created_time, s.modified_time, s.ctid, s.name, s.description,
    s.keywords, s.author, s.creator, s.reference_id, s.source_name, s.type_id,
    s.type_name, s.organizations, s.language, s.list_id, s.list_order, s.date_created,
    s.date_modified, s.education_levels, s.complexity_levels, s.weight, s.comments,
    s.industries] AS skill
ORDER BY key DESC, s.uuid DESC
SKIP $skip
LIMIT $limit
