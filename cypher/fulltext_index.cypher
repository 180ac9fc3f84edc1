// Neo4j's full-text index over skill names and descriptions. Applied at start-up where the
// database supports it (ArcadeDB does not; text filters then use CONTAINS).
CREATE FULLTEXT INDEX skill_text IF NOT EXISTS FOR (s:Skill) ON EACH [s.name, s.description]
