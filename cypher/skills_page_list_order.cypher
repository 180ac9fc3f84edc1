// A page in the publisher's list order (`listID`, digits compared as numbers; unlisted skills
// last), then uuid, after the key of the previous page's last skill. Sorted after the filter:
// the order needs a framework, so at most a framework's skills are sorted.
WITH s, coalesce(s.list_order, '~') AS key
WHERE key > $after_key OR (key = $after_key AND s.uuid > $after_uuid)
// The skill as its property values in SKILL_PROPERTIES order (src/model/skill_record.rs).
RETURN [s.uuid, s.uri, s.created_time, s.modified_time, s.ctid, s.name, s.description,
    s.keywords, s.author, s.creator, s.reference_id, s.source_name, s.type_id,
    s.type_name, s.organizations, s.language, s.list_id, s.list_order, s.date_created,
    s.date_modified, s.education_levels, s.complexity_levels, s.weight, s.comments,
    s.industries] AS skill
ORDER BY key, s.uuid
SKIP $skip
LIMIT $limit
