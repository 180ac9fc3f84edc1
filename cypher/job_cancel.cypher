// Cancels a queued job at once, or asks the process running an active one to stop (it reads
// the flag within a heartbeat). Takes the queue lock first, like a claim, so a job cannot be
// claimed and cancelled at the same time. `was` is the status before.
MERGE (q:JobQueue {name: 'jobs'})
SET q.cancelled_at = $now_ms
WITH q
MATCH (j:Job {name: $name})
SET j.cancel_lock = $now_ms
WITH j, j.status AS was
SET j.cancel_requested = CASE WHEN was IN ['queued', 'active'] THEN true ELSE coalesce(j.cancel_requested, false) END,
    j.status = CASE WHEN was = 'queued' THEN 'cancelled' ELSE was END,
    j.message = CASE WHEN was = 'queued' THEN $message ELSE j.message END,
    j.finished_time = CASE WHEN was = 'queued' THEN $now ELSE j.finished_time END,
    j.last_modified_time = CASE WHEN was IN ['queued', 'active'] THEN $now ELSE j.last_modified_time END,
    j.version = CASE WHEN was IN ['queued', 'active'] THEN coalesce(j.version, 0) + 1 ELSE j.version END
RETURN j {.*} AS job, was
