//! Sibling groups: which children in care are siblings (through the registry's
//! sibling relationships, followed transitively), and which groups live apart.

use std::collections::{BTreeMap, BTreeSet};

/// The groups of siblings among the children in `house_of` (child → house) that
/// live in more than one house, each as its children in order. `edges` are sibling
/// relationships in either direction; children not in care link the group too
/// (Sokha and Dara are siblings through a brother who still lives at home), but only
/// children in care are listed.
pub fn split_groups<C, H>(edges: &[(C, C)], house_of: &BTreeMap<C, H>) -> Vec<Vec<C>>
where
    C: Copy + Ord,
    H: Copy + Ord,
{
    groups(edges)
        .into_iter()
        .filter_map(|group| {
            let in_care: Vec<C> = group
                .into_iter()
                .filter(|c| house_of.contains_key(c))
                .collect();
            let houses: BTreeSet<H> = in_care
                .iter()
                .filter_map(|c| house_of.get(c).copied())
                .collect();
            (houses.len() > 1).then_some(in_care)
        })
        .collect()
}

/// The siblings of `child` (transitively), not counting the child.
pub fn siblings_of<C: Copy + Ord>(edges: &[(C, C)], child: C) -> Vec<C> {
    groups(edges)
        .into_iter()
        .find(|g| g.contains(&child))
        .map(|g| g.into_iter().filter(|c| *c != child).collect())
        .unwrap_or_default()
}

/// Connected groups of the sibling graph, each in order, in order of their first.
fn groups<C: Copy + Ord>(edges: &[(C, C)]) -> Vec<Vec<C>> {
    let mut parent: BTreeMap<C, C> = BTreeMap::new();
    fn root<C: Copy + Ord>(parent: &mut BTreeMap<C, C>, c: C) -> C {
        let mut r = c;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        // Path compression keeps later look-ups short.
        let mut walk = c;
        while walk != r {
            let next = parent.get(&walk).copied().unwrap_or(r);
            parent.insert(walk, r);
            walk = next;
        }
        r
    }
    for (a, b) in edges {
        parent.entry(*a).or_insert(*a);
        parent.entry(*b).or_insert(*b);
        let (ra, rb) = (root(&mut parent, *a), root(&mut parent, *b));
        if ra != rb {
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(high, low);
        }
    }
    let members: Vec<C> = parent.keys().copied().collect();
    let mut by_root: BTreeMap<C, Vec<C>> = BTreeMap::new();
    for c in members {
        let r = root(&mut parent, c);
        by_root.entry(r).or_default().push(c);
    }
    by_root.into_values().filter(|g| g.len() > 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(edges: &[(u8, u8)], houses: &[(u8, char)], expected: &[&[u8]]) {
        let house_of: BTreeMap<u8, char> = houses.iter().copied().collect();
        let found = split_groups(edges, &house_of);
        let expected: Vec<Vec<u8>> = expected.iter().map(|g| g.to_vec()).collect();
        assert_eq!(found, expected, "{edges:?} {houses:?}");
    }

    #[test]
    fn groups_living_in_two_houses_are_split() {
        // Together in one house: not split.
        check(&[(1, 2)], &[(1, 'a'), (2, 'a')], &[]);
        // Apart.
        check(&[(1, 2)], &[(1, 'a'), (2, 'b')], &[&[1, 2]]);
        // Transitive: 1-2, 2-3; 3 lives elsewhere.
        check(
            &[(1, 2), (3, 2)],
            &[(1, 'a'), (2, 'a'), (3, 'b')],
            &[&[1, 2, 3]],
        );
        // Linked through a sibling not in care (4), who is not listed.
        check(&[(1, 4), (4, 2)], &[(1, 'a'), (2, 'b')], &[&[1, 2]]);
        // One child in care only: nothing to split.
        check(&[(1, 2)], &[(1, 'a')], &[]);
        // Two groups, one split.
        check(
            &[(1, 2), (5, 6)],
            &[(1, 'a'), (2, 'a'), (5, 'a'), (6, 'c')],
            &[&[5, 6]],
        );
    }

    #[test]
    fn siblings_are_found_through_others() {
        assert_eq!(siblings_of(&[(1, 2), (2, 3), (7, 8)], 3), vec![1, 2]);
        assert_eq!(siblings_of(&[(1, 2)], 9), Vec::<u8>::new());
    }
}
