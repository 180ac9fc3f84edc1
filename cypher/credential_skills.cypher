// Skill listings of one credential (by its URI, unique): the skills aligned to it.
MATCH (c:Credential {uri: $credential})<-[:ALIGNED_WITH_CREDENTIAL]-(s:Skill)
WITH DISTINCT s
WHERE s.name IS NOT NULL
