MATCH (s:Skill {uuid: $uuid})
RETURN s {.*} AS skill
