MATCH (j:Job {name: $name})
SET j += $props
RETURN j {.*} AS job
