// Condition: part of the framework with this uuid or URI. Its own variable name: inside EXISTS
// a name bound outside would be the outer node.
EXISTS { MATCH (s)-[:PART_OF]->(where_framework:Framework) WHERE where_framework.uuid = $value OR where_framework.uri = $value }
