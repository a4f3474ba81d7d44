//! Links of the graph: the hierarchies kept acyclic (the prerequisite graph and the
//! broader/narrower graph), and a written link as the edge a nested list gives.
use std::collections::{HashMap, HashSet, VecDeque};

use sea_orm::{ConnectionTrait, DbBackend, Value};

use crate::store::RowSource;
use crate::{
    catalog::pages::{Cursor, EdgeAttrs, EdgeRow, SortKey},
    error::{AppError, AppResult},
    store::by_ids,
    store::stmt,
};

/// A link just written, as the parent's nested list gives it: nested lists are ordered by the
/// node's slug then id, so its cursor is the one a page holding it would give. A mutation
/// returns it as its payload's `edge`, and a client adds it to its cached list.
pub fn edge_row<M>(node: M, id: i64, slug: &str, attrs: Option<EdgeAttrs>) -> EdgeRow<M> {
    EdgeRow {
        node,
        attrs,
        cursor: Cursor {
            key: SortKey::Slug,
            text: Some(slug.to_owned()),
            number: None,
            id,
        },
    }
}

/// A directed skill-to-skill relation that must stay a DAG.
#[derive(Clone, Copy, Debug)]
pub struct Dag {
    pub table: &'static str,
    pub from_col: &'static str,
    pub to_col: &'static str,
    /// How the relation is named in errors.
    pub label: &'static str,
}

pub const PREREQUISITES: Dag = Dag {
    table: "skill_prerequisite",
    from_col: "skill_id",
    to_col: "prerequisite_id",
    label: "prerequisite",
};

pub const BROADER: Dag = Dag {
    table: "skill_broader",
    from_col: "skill_id",
    to_col: "broader_id",
    label: "broader",
};

/// Locks the edge table for the rest of the transaction on PostgreSQL, so two concurrent links
/// cannot each pass the check and together close a cycle. (SQLite serialises writers already.)
pub async fn lock(db: &impl ConnectionTrait, dag: &Dag) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!(
            "LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
            dag.table
        ))
        .await?;
    }
    Ok(())
}

/// Refuses the edge `from → to` when `from` can already be reached from `to`, naming the cycle.
pub async fn check_new_edge(db: &impl RowSource, dag: &Dag, from: i64, to: i64) -> AppResult<()> {
    if from == to {
        let names = slugs(db, &[from]).await?;
        let s = names.get(&from).cloned().unwrap_or_default();
        return Err(AppError::Validation(format!(
            "{} link would close a cycle: {s} → {s}",
            dag.label
        )));
    }
    let backend = db.get_database_backend();
    // Every edge reachable from `to`, in one statement.
    let sql = format!(
        "WITH RECURSIVE reach(id) AS (SELECT CAST(? AS BIGINT) UNION \
         SELECT e.{to} FROM {t} e JOIN reach r ON e.{from} = r.id) \
         SELECT e.{from} AS a, e.{to} AS b FROM {t} e JOIN reach r ON e.{from} = r.id",
        t = dag.table,
        from = dag.from_col,
        to = dag.to_col
    );
    let rows = db
        .query_all_raw(stmt(backend, &sql, vec![Value::from(to)]))
        .await?;
    let mut adj: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &rows {
        let a: i64 = r.try_get("", "a")?;
        let b: i64 = r.try_get("", "b")?;
        adj.entry(a).or_default().push(b);
    }
    if let Some(path) = shortest_path(&adj, to, from) {
        // The cycle: from → to → … → from.
        let mut cycle = vec![from];
        cycle.extend(path);
        let names = slugs(db, &cycle).await?;
        let named: Vec<String> = cycle
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect();
        return Err(AppError::Validation(format!(
            "{} link would close a cycle: {}",
            dag.label,
            named.join(" → ")
        )));
    }
    Ok(())
}

/// Checks a whole relation (after a bulk load) and names a cycle if there is one.
pub async fn check_whole(db: &impl RowSource, dag: &Dag) -> AppResult<()> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT {from} AS a, {to} AS b FROM {t}",
        t = dag.table,
        from = dag.from_col,
        to = dag.to_col
    );
    let rows = db.query_all_raw(stmt(backend, &sql, vec![])).await?;
    let mut adj: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &rows {
        let a: i64 = r.try_get("", "a")?;
        let b: i64 = r.try_get("", "b")?;
        adj.entry(a).or_default().push(b);
    }
    if let Some(cycle) = find_cycle(&adj) {
        let names = slugs(db, &cycle).await?;
        let named: Vec<String> = cycle
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect();
        return Err(AppError::Validation(format!(
            "{} links form a cycle: {}",
            dag.label,
            named.join(" → ")
        )));
    }
    Ok(())
}

async fn slugs(db: &impl RowSource, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    let rows: HashMap<i64, entity::skill::Model> =
        by_ids(db, "skill", ids, |m: &entity::skill::Model| m.id).await?;
    Ok(rows.into_iter().map(|(k, v)| (k, v.slug)).collect())
}

/// Breadth-first path from `start` to `goal` (both included), if any.
pub fn shortest_path(adj: &HashMap<i64, Vec<i64>>, start: i64, goal: i64) -> Option<Vec<i64>> {
    let mut prev: HashMap<i64, i64> = HashMap::new();
    let mut seen: HashSet<i64> = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        if n == goal {
            let mut path = vec![goal];
            let mut cur = goal;
            while let Some(&p) = prev.get(&cur) {
                path.push(p);
                cur = p;
            }
            path.reverse();
            return Some(path);
        }
        let mut next = adj.get(&n).cloned().unwrap_or_default();
        next.sort_unstable();
        for m in next {
            if seen.insert(m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    None
}

/// Some cycle of a directed graph, first node repeated at the end, found by iterative DFS.
pub fn find_cycle(adj: &HashMap<i64, Vec<i64>>) -> Option<Vec<i64>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<i64, Mark> = HashMap::new();
    let mut roots: Vec<i64> = adj.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        if marks.contains_key(&root) {
            continue;
        }
        // Stack of (node, index of next child); `path` mirrors the open nodes.
        let mut stack: Vec<(i64, usize)> = vec![(root, 0)];
        marks.insert(root, Mark::Open);
        while let Some((node, i)) = stack.last().copied() {
            let children = adj.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if i < children.len() {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let c = children[i];
                match marks.get(&c) {
                    Some(Mark::Open) => {
                        let start = stack.iter().position(|(n, _)| *n == c).unwrap_or(0);
                        let mut cycle: Vec<i64> = stack[start..].iter().map(|(n, _)| *n).collect();
                        cycle.push(c);
                        return Some(cycle);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(c, Mark::Open);
                        stack.push((c, 0));
                    }
                }
            } else {
                marks.insert(node, Mark::Done);
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cycle_and_a_path() {
        let adj = HashMap::from([(1, vec![2]), (2, vec![3]), (3, vec![1]), (4, vec![1])]);
        let c = find_cycle(&adj).expect("cycle");
        assert_eq!(c.first(), c.last());
        assert_eq!(c.len(), 4);
        assert_eq!(shortest_path(&adj, 4, 3), Some(vec![4, 1, 2, 3]));
        let dag = HashMap::from([(1, vec![2, 3]), (2, vec![3])]);
        assert_eq!(find_cycle(&dag), None);
        assert_eq!(shortest_path(&dag, 3, 1), None);
    }
}
