MATCH (ev:LearningEvent {external_id: $external_id})
RETURN ev {.*} AS event
