RETURN count(s) AS total
