//! A publisher's hierarchy as the graph may hold it: without cycles.
use std::collections::{HashMap, VecDeque};

use crate::graph::writes::ChildEdges;

/// Drops every parent link that would close a cycle among `edges`, taking the links in order
/// (each child's as listed) and keeping each that leaves the hierarchy acyclic. Returns the
/// links dropped: (child, message naming the cycle).
pub fn break_cycles(edges: &mut [ChildEdges]) -> Vec<(String, String)> {
    let mut kept: HashMap<String, Vec<String>> = HashMap::new();
    let mut refused = vec![];
    for e in edges.iter_mut() {
        let mut parents = vec![];
        for p in std::mem::take(&mut e.parents) {
            match path_up(&kept, &p, &e.child) {
                Some(path) => {
                    let cycle = format!("{} → {}", e.child, path.join(" → "));
                    let why = format!("parent {p} is not linked: it would close the cycle {cycle}");
                    refused.push((e.child.clone(), why));
                }
                None => {
                    kept.entry(e.child.clone()).or_default().push(p.clone());
                    parents.push(p);
                }
            }
        }
        e.parents = parents;
    }
    refused
}

/// The skills on the way up the parent links from `from` to `to` (both included), if `to` is
/// among the ancestors of `from` (or is `from`).
fn path_up(parents: &HashMap<String, Vec<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    // Breadth first, each skill once: shared ancestors are not walked twice.
    let mut came_from: HashMap<&str, &str> = HashMap::from([(from, from)]);
    let mut queue = VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut path = vec![at.to_string()];
            let mut step = at;
            while step != from {
                step = came_from[step];
                path.push(step.to_string());
            }
            path.reverse();
            return Some(path);
        }
        for p in parents.get(at).into_iter().flatten() {
            if !came_from.contains_key(p.as_str()) {
                came_from.insert(p, at);
                queue.push_back(p);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edges(list: &[(&str, &[&str])]) -> Vec<ChildEdges> {
        list.iter()
            .map(|(c, ps)| ChildEdges {
                child: c.to_string(),
                parents: ps.iter().map(|p| p.to_string()).collect(),
            })
            .collect()
    }

    #[test]
    fn the_link_that_closes_a_cycle_is_dropped_and_named() {
        let mut e = edges(&[("a", &["b"]), ("b", &["c"]), ("c", &["a", "d"]), ("d", &[])]);
        let refused = break_cycles(&mut e);
        assert_eq!(
            refused,
            [(
                "c".to_string(),
                "parent a is not linked: it would close the cycle c → a → b → c".to_string()
            )]
        );
        assert_eq!(e[2].parents, ["d"], "the other parent of c stays");
        assert_eq!(e[0].parents, ["b"]);
    }

    #[test]
    fn shared_ancestors_are_not_cycles() {
        // A diamond: d under b and c, both under a.
        let mut e = edges(&[("b", &["a"]), ("c", &["a"]), ("d", &["b", "c"])]);
        assert!(break_cycles(&mut e).is_empty());
        assert_eq!(e[2].parents, ["b", "c"]);
    }

    #[test]
    fn two_skills_naming_each_other_keep_the_first_link() {
        let mut e = edges(&[("x", &["y"]), ("y", &["x"])]);
        let refused = break_cycles(&mut e);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0, "y");
        assert!(e[1].parents.is_empty());
    }
}
