// The running process stores its job's state (progress, errors, checkpoint, lease; at the end
// its final status) only while it still owns the job: the node is locked first, then ownership
// is re-read, so a process whose lease was taken over can no longer write. Returns whether the
// job was asked to stop.
MATCH (j:Job {name: $name})
SET j.store_lock = $now_ms
WITH j
WHERE j.owner = $owner AND j.status = 'active'
SET j += $props,
    j.version = coalesce(j.version, 0) + $bump
RETURN coalesce(j.cancel_requested, false) AS cancel_requested
