// The graph's generation: every committed batch of skill-graph or event writes advances it, so
// read caches (of every replica) know their answers may be stale.
MERGE (g:Generation {name: 'graph'})
SET g.value = coalesce(g.value, 0) + 1
RETURN g.value AS value
