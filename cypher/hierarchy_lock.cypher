// Every statement that links a parent takes the hierarchy's one write lock first: a cycle can
// be closed by two links made at once on different skills (B under A, A under B), which no
// lock of one skill serialises. The lock is taken by writing the node (held to commit); a
// counter rather than a property set and removed, because ArcadeDB, whose transactions are
// optimistic, finds two commits in conflict only where the record really changed.
MERGE (h:Hierarchy {name: 'skills'})
SET h.links = coalesce(h.links, 0) + 1
WITH count(h) AS locked
