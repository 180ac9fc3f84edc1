// Skill alignments a source no longer asserts for a skill are removed (run before merging the
// current ones). row.keep holds "target-uri|alignment_type" of what stays.
UNWIND $rows AS row
MATCH (s:Skill {uri: row.from})-[r:ALIGNED_WITH]->(t:Skill)
WHERE r.source = row.source AND NOT (t.uri + '|' + r.alignment_type) IN row.keep
DELETE r
RETURN count(*) AS n
