// Waits until every index is online: Neo4j populates a new index in the background, and a
// replica reports ready only once its listings and text search can use theirs.
CALL db.awaitIndexes($seconds)
