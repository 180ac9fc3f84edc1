RETURN count(ev) AS total
