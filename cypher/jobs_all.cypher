// Job listings, composed like the skill listings: one statement per filter combination.
MATCH (j:Job)
WHERE j.created_time IS NOT NULL
