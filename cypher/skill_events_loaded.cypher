// Which of these external ids this load has already written, with the line that wrote them: a
// file's duplicates are found batch by batch, without holding every id of the file in memory.
UNWIND $ids AS id
MATCH (ev:SkillEvent {external_id: id})
WHERE ev.load_job = $load
RETURN ev.external_id AS external_id, ev.load_line AS line
