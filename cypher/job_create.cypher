CREATE (j:Job)
SET j = $props
RETURN j {.*} AS job
