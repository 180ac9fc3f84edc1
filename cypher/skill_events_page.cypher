// Newest first, after the (timestamp, external_id) key of the previous page's last event; the
// timestamps have one fixed width, so their text order is their time order. Both columns run
// the same way, on the RETURN, so one index (skill_event_time_id) serves the order, read
// backwards.
// The tie is broken in a CASE, not an OR, for the reason skills_page.cypher gives.
  AND ev.timestamp <= $after_time
  AND ev.external_id IS NOT NULL
  AND CASE WHEN ev.timestamp = $after_time THEN ev.external_id < $after_id ELSE true END
RETURN ev {.*} AS event
ORDER BY ev.timestamp DESC, ev.external_id DESC
SKIP $skip
LIMIT $limit
