//! Learning paths, skill gaps, related skills and skill-to-skill chains over the graph.
//!
//! Plain functions over a connection, nothing here knows about GraphQL. Each answer reads the
//! graph with a fixed number of statements whatever its size: the part of the prerequisite (or
//! broader) graph an answer can reach comes back from one recursive CTE, counts come back
//! grouped, and the walking, ordering and scoring happen in memory.
//!
//! Skills and frameworks are both nodes ([`node`]): a framework's prerequisite is its language.
pub mod demand;
pub mod gap;
pub mod graph;
pub mod learning;
pub mod node;
mod partners;
pub mod plan;
pub mod related;
pub mod route;
pub mod transitions;

use sea_orm::{DbBackend, Value};

use crate::db::{id_list_value, in_id_list};

/// The most skills and frameworks a caller may declare as known in one request.
pub const MAX_KNOWN: usize = 1000;

/// SQL and bound value for "column is one of these strings": the text twin of [`id_in`]. On
/// PostgreSQL an array literal with every element quoted, so any string is taken literally.
pub(crate) fn text_in(backend: DbBackend, column: &str, items: &[String]) -> (String, Value) {
    match backend {
        DbBackend::Postgres => {
            let quoted: Vec<String> = items
                .iter()
                .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            (
                format!("{column} = ANY(CAST(? AS text[]))"),
                Value::from(format!("{{{}}}", quoted.join(","))),
            )
        }
        _ => (
            format!("{column} IN (SELECT value FROM json_each(?))"),
            Value::from(serde_json::Value::from(items.to_vec()).to_string()),
        ),
    }
}

/// SQL and bound value for "column is one of these ids", one parameter whatever their number.
pub(crate) fn id_in(backend: DbBackend, column: &str, ids: &[i64]) -> (String, Value) {
    (in_id_list(backend, column), id_list_value(backend, ids))
}

/// Rows of a table by id, in one statement (no statement for no ids).
pub(crate) use crate::store::by_ids as rows_by_ids;

/// A percentage with one decimal; 100 when nothing is asked for (nothing is missing).
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (1000.0 * part as f64 / whole as f64).round() / 10.0
}

/// Names for explanations: at most three, then how many more.
pub(crate) fn name_list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_names() {
        assert_eq!(percent(2, 3), 66.7);
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(0, 4), 0.0);
        assert_eq!(name_list(&["a", "b"]), "a, b");
        assert_eq!(name_list(&["a", "b", "c", "d", "e"]), "a, b, c and 2 more");
    }
}
