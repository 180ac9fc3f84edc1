// Constraints and indexes, applied idempotently at start-up and by `skillgraph migrate`.
// Statements are separated by semicolons at line ends.
CREATE CONSTRAINT skill_uuid IF NOT EXISTS FOR (s:Skill) REQUIRE s.uuid IS UNIQUE;
CREATE CONSTRAINT skill_uri IF NOT EXISTS FOR (s:Skill) REQUIRE s.uri IS UNIQUE;
CREATE CONSTRAINT framework_uuid IF NOT EXISTS FOR (f:Framework) REQUIRE f.uuid IS UNIQUE;
CREATE CONSTRAINT framework_uri IF NOT EXISTS FOR (f:Framework) REQUIRE f.uri IS UNIQUE;
CREATE CONSTRAINT occupation_code IF NOT EXISTS FOR (o:Occupation) REQUIRE o.code IS UNIQUE;
CREATE CONSTRAINT credential_uri IF NOT EXISTS FOR (c:Credential) REQUIRE c.uri IS UNIQUE;
CREATE CONSTRAINT job_name IF NOT EXISTS FOR (j:Job) REQUIRE j.name IS UNIQUE;
// The listing order: (name, uuid) read from one index, the first page and a deep one alike.
CREATE INDEX skill_name_uuid IF NOT EXISTS FOR (s:Skill) ON (s.name, s.uuid);
CREATE INDEX skill_source_name IF NOT EXISTS FOR (s:Skill) ON (s.source_name);
CREATE INDEX job_created_name IF NOT EXISTS FOR (j:Job) ON (j.created_time, j.name);
CREATE CONSTRAINT employee_external_id IF NOT EXISTS FOR (e:Employee) REQUIRE e.external_id IS UNIQUE;
CREATE CONSTRAINT skill_event_external_id IF NOT EXISTS FOR (ev:SkillEvent) REQUIRE ev.external_id IS UNIQUE;
CREATE CONSTRAINT course_id IF NOT EXISTS FOR (c:Course) REQUIRE c.id IS UNIQUE;
CREATE INDEX skill_event_employee IF NOT EXISTS FOR (ev:SkillEvent) ON (ev.employee_external_id);
CREATE INDEX skill_event_time_id IF NOT EXISTS FOR (ev:SkillEvent) ON (ev.timestamp, ev.external_id);
CREATE INDEX job_status IF NOT EXISTS FOR (j:Job) ON (j.status);
CREATE CONSTRAINT job_queue_name IF NOT EXISTS FOR (q:JobQueue) REQUIRE q.name IS UNIQUE;
CREATE CONSTRAINT hierarchy_name IF NOT EXISTS FOR (h:Hierarchy) REQUIRE h.name IS UNIQUE;
CREATE CONSTRAINT generation_name IF NOT EXISTS FOR (g:Generation) REQUIRE g.name IS UNIQUE;
// A skill's history, newest first, one seek per page.
// A change by its id: a writer checks whether its change was recorded; feeds resume after one.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE;
CREATE CONSTRAINT change_log_name IF NOT EXISTS FOR (l:ChangeLog) REQUIRE l.name IS UNIQUE;
CREATE INDEX change_skill_version IF NOT EXISTS FOR (c:Change) ON (c.skill_uuid, c.version);
// What a job changed, in the order it wrote; and every change since a time (graphChanges).
CREATE INDEX change_job_at_id IF NOT EXISTS FOR (c:Change) ON (c.job, c.at, c.id);
CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at);
// Single-column indexes of earlier versions, replaced by the two-column listing indexes above
// (with skill_name beside it, Neo4j planned a first page on an empty store's statistics as a
// scan of skill_name and a sort).
DROP INDEX skill_name IF EXISTS;
DROP INDEX job_created_time IF EXISTS;
DROP INDEX skill_event_timestamp IF EXISTS;
