OPTIONAL MATCH (g:Generation {name: 'graph'})
RETURN coalesce(g.value, 0) AS value
