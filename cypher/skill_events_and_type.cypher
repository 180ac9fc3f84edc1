  AND ev.event_type = $event_type
