// Anchor where the database has Neo4j's full-text index (`skill_text`, chosen at start-up) and
// the filter has a text: the index answers the text (with its relevance score, which a ranking
// tail reads), the rest filters its matches.
CALL db.index.fulltext.queryNodes('skill_text', $text_query) YIELD node AS s, score
WITH s, score
WHERE s:Skill AND s.name IS NOT NULL
