MATCH (e:Employee {external_id: $external_id})
RETURN e {.*} AS employee
