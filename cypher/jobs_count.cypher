RETURN count(j) AS total
