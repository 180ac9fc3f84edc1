//! The path from a root of the hierarchy down to a skill, for breadcrumbs, where a skill may
//! have several parents.
use std::collections::{HashMap, HashSet, VecDeque};

/// The ancestors of `start` from a root down to its parent, given the parent links above it
/// (child uuid, parent; each child's parents in name order; `uuid` names a parent): the shortest way up, the first
/// parent by name where two are as short. A root is an ancestor with no parent among the
/// links (the links reach a bounded number of levels, so a deeper tree's path starts at the
/// top of what was read). In a cycle with no way out, the path ends where the walk closes.
/// Empty for a skill with no parent.
pub fn breadcrumb<T: Clone>(
    start: &str,
    links: &[(String, T)],
    uuid: impl Fn(&T) -> &str,
) -> Vec<T> {
    let mut parents: HashMap<&str, Vec<&T>> = HashMap::new();
    for (child, parent) in links {
        parents.entry(child.as_str()).or_default().push(parent);
    }
    // Breadth first from the skill: the first node reached with no parent is the nearest root.
    let mut came_from: HashMap<&str, &str> = HashMap::new();
    let mut skills: HashMap<&str, &T> = HashMap::new();
    let mut seen: HashSet<&str> = HashSet::from([start]);
    let mut queue: VecDeque<&str> = VecDeque::from([start]);
    let mut last = start;
    while let Some(at) = queue.pop_front() {
        last = at;
        let Some(ups) = parents.get(at) else {
            break;
        };
        for p in ups {
            let id = uuid(p);
            if seen.insert(id) {
                came_from.insert(id, at);
                skills.insert(id, p);
                queue.push_back(id);
            }
        }
    }
    // Back down from the root: root first.
    let mut path = vec![];
    let mut at = last;
    while at != start {
        path.push(skills[at].clone());
        at = came_from[at];
    }
    path
}

#[cfg(test)]
mod tests {
    fn skill(uuid: &str) -> String {
        uuid.to_string()
    }

    fn breadcrumb(start: &str, links: &[(String, String)]) -> Vec<String> {
        super::breadcrumb(start, links, String::as_str)
    }

    fn names(path: &[String]) -> Vec<&str> {
        path.iter().map(String::as_str).collect()
    }

    #[test]
    fn the_shortest_way_up_wins_then_the_first_parent_by_name() {
        // c has parents a (root, via a long way: a <- m <- c is not it) and b; b's root r.
        let links = vec![
            ("c".into(), skill("a")),
            ("c".into(), skill("b")),
            ("a".into(), skill("m")),
            ("m".into(), skill("n")),
            ("b".into(), skill("r")),
        ];
        assert_eq!(names(&breadcrumb("c", &links)), ["r", "b"]);
        let two_roots = vec![("c".into(), skill("x")), ("c".into(), skill("y"))];
        assert_eq!(names(&breadcrumb("c", &two_roots)), ["x"]);
        assert!(breadcrumb("c", &[]).is_empty());
    }

    #[test]
    fn a_cycle_ends_where_the_walk_closes() {
        let links = vec![
            ("c".into(), skill("a")),
            ("a".into(), skill("b")),
            ("b".into(), skill("c")),
        ];
        assert_eq!(names(&breadcrumb("c", &links)), ["b", "a"]);
    }
}
