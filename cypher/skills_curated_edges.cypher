// Batch: what curators decided about the edges of skills an import is about to set: parents
// they removed or linked, alignments they rejected, or added and accepted.
UNWIND $uris AS uri
MATCH (s:Skill {uri: uri})
RETURN uri,
  [(s)-[:REMOVED_PARENT]->(p:Skill) | p.uri] AS removed_parents,
  [(s)-[e:CHILD_OF]->(p:Skill) WHERE e.curated_by IS NOT NULL | p.uri] AS curated_parents,
  [(s)-[x:REJECTED_ALIGNMENT]->(t:Skill) | t.uri + '|' + x.alignment_type] AS rejected,
  [(s)-[r:ALIGNED_WITH]->(t:Skill) WHERE r.curated_by IS NOT NULL |
    r.source + '|' + t.uri + '|' + r.alignment_type + '|' + r.kind] AS curated_alignments
