// Deletes the skill and its edges; its changes stay, the deletion last.
DETACH DELETE s
RETURN count(*) AS deleted
