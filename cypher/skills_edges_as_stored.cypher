// Batch: the edges of skills an import is about to set, as stored, with what curators decided:
// parents (linked by a curator or not) and those curators removed, alignments (added or
// accepted by a curator or not) and those curators rejected.
UNWIND $uris AS uri
MATCH (s:Skill {uri: uri})
USING INDEX SEEK s:Skill(uri)
RETURN uri,
  [(s)-[e:CHILD_OF]->(p:Skill) |
    {uri: p.uri, uuid: p.uuid, curated: e.curated_by IS NOT NULL}] AS parents,
  [(s)-[:REMOVED_PARENT]->(p:Skill) | p.uri] AS removed_parents,
  [(s)-[r:ALIGNED_WITH]->(t:Skill) |
    {source: r.source, uri: t.uri, uuid: t.uuid, alignment_type: r.alignment_type,
     kind: r.kind, score: r.score, curated: r.curated_by IS NOT NULL}] AS alignments,
  [(s)-[x:REJECTED_ALIGNMENT]->(t:Skill) | t.uri + '|' + x.alignment_type] AS rejected
