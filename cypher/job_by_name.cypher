MATCH (j:Job {name: $name})
RETURN j {.*} AS job
