// Whether the change with id $id was recorded: a write that answered no row may still have been
// applied (an answer lost after the commit, or an engine that ran the statement again).
OPTIONAL MATCH (c:Change {id: $id})
RETURN count(c) AS n
