  AND s.source_name = $source
