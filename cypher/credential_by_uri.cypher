// One credential by its URI (unique).
MATCH (c:Credential {uri: $uri})
RETURN c {.*} AS credential
