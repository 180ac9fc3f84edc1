// Batch: the skills an import is about to write, as stored: their fields, their version and
// the fields curators have set (which the import leaves alone).
UNWIND $uris AS uri
MATCH (s:Skill {uri: uri})
USING INDEX SEEK s:Skill(uri)
RETURN uri, s {.*} AS skill
