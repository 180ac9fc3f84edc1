// Is there a job this process could claim? A read, so idle replicas do not write every poll.
// The leading `status IN` lets Neo4j seek the job_status index instead of scanning :Job.
MATCH (j:Job)
WHERE j.status IN ['queued', 'active']
  AND ((j.status = 'queued' AND (j.owner IS NULL OR j.owner = $owner OR coalesce(j.lease_until, 0) < $now_ms))
    OR (j.status = 'active' AND coalesce(j.lease_until, 0) < $now_ms AND NOT j.name IN $running))
RETURN count(j) AS n
