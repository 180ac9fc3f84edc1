// At start-up: jobs a previous process left queued or active can no longer progress.
// What they had already written stays in the graph.
MATCH (j:Job)
WHERE j.status IN ['queued', 'active']
SET j.status = 'failed',
    j.message = $reason,
    j.finished_time = $now,
    j.last_modified_time = $now
RETURN count(j) AS n
