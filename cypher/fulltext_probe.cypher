// Whether `skill_text` answers queries; run once at start-up to choose how text is searched.
CALL db.index.fulltext.queryNodes('skill_text', 'probe') YIELD node
RETURN count(node) AS n
