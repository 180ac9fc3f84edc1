// Claims one job for $owner, compare-and-set. Jobs this process is running ($running) are not
// claimable to it even when their lease ran out meanwhile (a database outage it waited out). Every claim first writes the one (:JobQueue)
// node, so claims from all replicas are serialised (Neo4j takes its write lock; ArcadeDB fails
// one of two concurrent commits). Under that lock a job is claimable when it is queued (and not
// held for the process that accepted it), or active with an expired lease (its process died),
// and no live job holds one of its resources (a framework URI, a file URI).
// The chosen job is locked and its status re-read before it is taken.
MERGE (q:JobQueue {name: 'jobs'})
SET q.claimed_by = $owner, q.claimed_at = $now_ms
WITH q
MATCH (j:Job)
WHERE j.status IN ['queued', 'active']
  AND ((j.status = 'queued' AND (j.owner IS NULL OR j.owner = $owner OR coalesce(j.lease_until, 0) < $now_ms))
    OR (j.status = 'active' AND coalesce(j.lease_until, 0) < $now_ms AND NOT j.name IN $running))
OPTIONAL MATCH (o:Job {status: 'active'})
WHERE o.name <> j.name AND o.lease_until >= $now_ms AND any(k IN o.resources WHERE k IN j.resources)
WITH j, count(o) AS conflicts
WHERE conflicts = 0
WITH j
ORDER BY CASE WHEN j.owner = $owner THEN 0 WHEN j.status = 'active' THEN 1 ELSE 2 END, j.created_time, j.name
LIMIT 1
SET j.claim_token = $token
WITH j
WHERE j.status = 'queued' OR (j.status = 'active' AND coalesce(j.lease_until, 0) < $now_ms)
// An active job claimed again lost its process: counted (before its status is set), so that
// jobs_crashed can end a job that keeps killing its processes.
SET j.crashes = coalesce(j.crashes, 0) + CASE WHEN j.status = 'active' THEN 1 ELSE 0 END,
    j.status = 'active',
    j.owner = $owner,
    j.lease_until = $lease_until,
    j.attempts = coalesce(j.attempts, 0) + 1,
    j.started_time = coalesce(j.started_time, $now),
    j.last_modified_time = $now,
    j.version = coalesce(j.version, 0) + 1
RETURN j {.*} AS job
