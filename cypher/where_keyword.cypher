// Condition: one of the skill's keywords is this one, case aside (`$value` is lower-cased).
any(keyword IN coalesce(s.keywords, []) WHERE toLower(keyword) = $value)
