MATCH (ev:SkillEvent {external_id: $external_id})
RETURN ev {.*} AS event
