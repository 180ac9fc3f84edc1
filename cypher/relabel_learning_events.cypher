// Learning events written before every Skill Event type was loaded had a label of their own.
// Run after the schema; once they are relabelled it matches nothing.
MATCH (ev:LearningEvent)
SET ev:SkillEvent
REMOVE ev:LearningEvent
RETURN count(ev) AS n
