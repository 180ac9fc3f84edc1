// Sets the fields a curator gave (null removes one) and which fields curators own now.
SET s += $set, s.curated = $curated
RETURN s {.*} AS skill
