// Statements that record changes take the change log's write lock first (after the hierarchy's,
// where they take that one too) and number each change they record from it. The lock is held to
// commit, so numbers are committed in order: a reader that has every change up to number n
// and reads those after it misses none (graphChanges, src/api/change_feed.rs). A statement of
// many rows numbers each change inside a FOREACH, which runs row by row (see revert_skills).
MERGE (log:ChangeLog {name: 'graph'})
SET log._lock = true
REMOVE log._lock
WITH count(log) AS logging
