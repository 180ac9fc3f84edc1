MATCH (f:Framework)
RETURN count(f) AS total
