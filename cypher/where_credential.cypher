// Condition: aligned to the credential with this URI.
EXISTS { MATCH (s)-[:ALIGNED_WITH_CREDENTIAL]->(where_credential:Credential) WHERE where_credential.uri = $value }
