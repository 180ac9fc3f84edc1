// Condition: aligned to an occupation in the SOC group whose codes start with this prefix.
EXISTS { MATCH (s)-[:HAS_OCCUPATION]->(where_occupation:Occupation) WHERE where_occupation.code STARTS WITH $value }
