// Condition: the skill's type, by its name (`ceasn:competencyCategory`) or its id.
s.type_name = $value OR s.type_id = $value
