// Condition: the publisher gave this complexity level (exactly, as listed).
$value IN s.complexity_levels
