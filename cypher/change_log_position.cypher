// The number and id of the last change committed (0 and null before any).
OPTIONAL MATCH (log:ChangeLog {name: 'graph'})
OPTIONAL MATCH (c:Change {seq: log.seq})
RETURN coalesce(log.seq, 0) AS seq, c.id AS id
