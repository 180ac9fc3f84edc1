// Condition: the publisher gave this industry (exactly, as listed).
$value IN s.industries
