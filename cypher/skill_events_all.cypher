// Skill event listings, composed like the skill listings: one statement per filter combination.
MATCH (ev:SkillEvent)
WHERE ev.timestamp IS NOT NULL
