// The change counter of one job: subscribers poll it and read the job only when it moved.
MATCH (j:Job {name: $name})
RETURN j.version AS version
