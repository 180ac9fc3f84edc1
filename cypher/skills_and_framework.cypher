  AND EXISTS { MATCH (s)-[:PART_OF]->(f:Framework) WHERE f.uuid = $framework OR f.uri = $framework }
