// The number of change $id in the change log, if it is recorded and numbered.
OPTIONAL MATCH (c:Change {id: $id})
RETURN c.seq AS seq
