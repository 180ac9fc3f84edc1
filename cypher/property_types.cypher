// Property types of the listing keys, applied at start-up where the database takes them and
// skipped where it does not (Neo4j Community: property type constraints are Enterprise-only).
// Neo4j reads its range indexes in order without them (the range predicate tells it the type);
// ArcadeDB serves index order only for a property the schema declares, typed.
CREATE CONSTRAINT skill_name_type IF NOT EXISTS FOR (s:Skill) REQUIRE s.name IS :: STRING;
CREATE CONSTRAINT skill_uuid_type IF NOT EXISTS FOR (s:Skill) REQUIRE s.uuid IS :: STRING;
CREATE CONSTRAINT skill_event_timestamp_type IF NOT EXISTS FOR (ev:SkillEvent) REQUIRE ev.timestamp IS :: STRING;
CREATE CONSTRAINT skill_event_external_id_type IF NOT EXISTS FOR (ev:SkillEvent) REQUIRE ev.external_id IS :: STRING;
CREATE CONSTRAINT job_created_time_type IF NOT EXISTS FOR (j:Job) REQUIRE j.created_time IS :: STRING;
CREATE CONSTRAINT job_name_type IF NOT EXISTS FOR (j:Job) REQUIRE j.name IS :: STRING;
