// Condition: the publisher gave this education level (exactly, as listed).
$value IN s.education_levels
