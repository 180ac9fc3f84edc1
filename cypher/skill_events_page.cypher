// Newest first, after the (timestamp, external_id) key of the previous page's last event; the
// timestamps have one fixed width, so their text order is their time order (range index).
  AND ev.timestamp <= $after_time
  AND (ev.timestamp < $after_time OR ev.external_id > $after_id)
WITH ev
ORDER BY ev.timestamp DESC, ev.external_id
SKIP $skip
LIMIT $limit
RETURN ev {.*} AS event
