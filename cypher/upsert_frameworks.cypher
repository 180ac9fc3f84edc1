// Merge frameworks by URI; a re-import updates properties in place and keeps the uuid.
UNWIND $rows AS row
MERGE (f:Framework {uri: row.uri})
ON CREATE SET f.uuid = randomUUID()
SET f += row.props,
    f.created_time = coalesce(f.created_time, $now),
    f.modified_time = $now
RETURN count(f) AS n
