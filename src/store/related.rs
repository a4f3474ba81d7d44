//! Related-role links by pair: what `Role.related` / `relatedFrom` edges carry beyond the node
//! (O*NET's tier and index), for a whole level of edges in one statement.
use std::collections::HashSet;

use entity::role_related;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::error::AppResult;

use super::db::{id_list_value, in_id_list, stmt};

/// The `role_related` rows of the `(role_id, related_id)` pairs given that exist. One statement:
/// both id lists travel as one bound array each, and the rows matching only one side of a pair
/// are dropped here.
pub async fn role_related_rows(
    db: &impl ConnectionTrait,
    pairs: &[(i64, i64)],
) -> AppResult<Vec<role_related::Model>> {
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: HashSet<(i64, i64)> = pairs.iter().copied().collect();
    let mut from: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    let mut to: Vec<i64> = pairs.iter().map(|p| p.1).collect();
    for v in [&mut from, &mut to] {
        v.sort_unstable();
        v.dedup();
    }
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT r.* FROM role_related r WHERE {} AND {}",
        in_id_list(backend, "r.role_id"),
        in_id_list(backend, "r.related_id")
    );
    let rows = db
        .query_all_raw(stmt(
            backend,
            &sql,
            vec![id_list_value(backend, &from), id_list_value(backend, &to)],
        ))
        .await?;
    let mut out = Vec::with_capacity(pairs.len());
    for row in &rows {
        let m = role_related::Model::from_query_result(row, "")?;
        if wanted.contains(&(m.role_id, m.related_id)) {
            out.push(m);
        }
    }
    Ok(out)
}
