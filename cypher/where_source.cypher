// Condition: the exact source name.
s.source_name = $value
