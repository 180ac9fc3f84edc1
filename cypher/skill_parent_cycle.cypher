// The names up the parent links from $parent to the skill $uuid, if the skill is among the
// ancestors of $parent: linking $parent as a parent of the skill would close that cycle. The
// bound only keeps the planner's warning away: no hierarchy is a thousand levels deep.
MATCH path = shortestPath((:Skill {uuid: $parent})-[:CHILD_OF*..1000]->(:Skill {uuid: $uuid}))
RETURN [n IN nodes(path) | coalesce(n.name, n.uri)] AS path
