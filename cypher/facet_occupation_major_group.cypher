// Facet: the matching skills counted per O*NET-SOC major group of the occupations they are
// aligned to (`15-1252.00` counts for `15-0000`; codes that are not SOC are left out), a skill
// once per group.
MATCH (s)-[:HAS_OCCUPATION]->(o:Occupation)
WHERE substring(o.code, 2, 1) = '-'
WITH substring(o.code, 0, 2) + '-0000' AS value, count(DISTINCT s) AS n
RETURN value, value AS label, n
ORDER BY n DESC, value
LIMIT 100
