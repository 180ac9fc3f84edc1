// Anchor: the skills aligned to one credential (by its URI, unique).
MATCH (of_credential:Credential {uri: $credential})<-[:ALIGNED_WITH_CREDENTIAL]-(s:Skill)
WITH DISTINCT s
WHERE s.name IS NOT NULL
