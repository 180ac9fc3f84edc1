// Keeps the jobs a process accepted and holds for itself (file loads: only it has their
// credentials) while they wait for a runner slot. If the process dies, the lease runs out and
// another process claims them, only to report that they cannot resume.
MATCH (j:Job {status: 'queued', owner: $owner})
SET j.lease_until = $lease_until
RETURN count(j) AS n
