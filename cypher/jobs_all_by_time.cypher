// Anchor of an unfiltered job page, sought in job_created_name: planned on an empty store,
// Neo4j once scanned the index from the newest job instead of seeking the page's start.
MATCH (j:Job)
USING INDEX SEEK j:Job(created_time, name)
WHERE j.created_time IS NOT NULL
