// Facet: the matching skills counted per education level the publisher gave them.
UNWIND s.education_levels AS value
WITH value, count(DISTINCT s) AS n
RETURN value, value AS label, n
ORDER BY n DESC, value
LIMIT 100
