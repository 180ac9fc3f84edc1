// Anchor of an unfiltered event page, read from skill_event_time_id whatever the statistics
// say (the same reason as jobs_all_by_time.cypher).
MATCH (ev:SkillEvent)
USING INDEX SEEK ev:SkillEvent(timestamp, external_id)
WHERE ev.timestamp IS NOT NULL
