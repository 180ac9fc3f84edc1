MATCH (f:Framework {uuid: $uuid})
RETURN f {.*} AS framework
