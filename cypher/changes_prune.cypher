// Drops the changes of the skills among $uris older than their last $keep: a skill's history is
// bounded, and only a skill changed more than $keep times has anything to drop.
UNWIND $uris AS uri
MATCH (s:Skill {uri: uri})
WHERE s.version > $keep
MATCH (c:Change {skill_uuid: s.uuid})
WHERE c.version <= s.version - $keep
DETACH DELETE c
