// Ends as failed the jobs whose process died $max_attempts times: active with an expired lease
// (the process that held it is gone), each such loss counted in `crashes` by job_claim. Taking
// it again would be attempt $max_attempts + 1, and a job that kills its process (a document
// that exhausts memory, say) would go on to kill every replica that claims it.
MATCH (j:Job)
WHERE j.status = 'active' AND coalesce(j.lease_until, 0) < $now_ms
  AND NOT j.name IN $running AND coalesce(j.crashes, 0) + 1 >= $max_attempts
SET j.crashes = coalesce(j.crashes, 0) + 1,
    j.status = 'failed',
    j.message = 'its process died during each of its last ' + toString(coalesce(j.crashes, 0) + 1) + ' attempts (a crash, running out of memory or a kill); it is not run again',
    j.finished_time = $now,
    j.last_modified_time = $now,
    j.owner = null,
    j.lease_until = null,
    j.version = coalesce(j.version, 0) + 1
RETURN j.name AS name
