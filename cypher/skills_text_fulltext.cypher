// Skill listings by text where the database has Neo4j's full-text index (`skill_text`, chosen at
// start-up): the index answers the text, the rest filters its matches.
CALL db.index.fulltext.queryNodes('skill_text', $text_query) YIELD node AS s
WITH s
WHERE s:Skill AND s.name IS NOT NULL
