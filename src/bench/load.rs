//! Loading the generated graph fast: the real migrations first, then multi-row INSERTs in one
//! transaction, each statement as large as the engine's bind-parameter limit allows.
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, TransactionTrait, Value};

use crate::{
    bench::graph::{Graph, WeightedEdge},
    db,
    error::{AppError, AppResult},
};

/// Most bind parameters one statement may carry.
fn max_params(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => 65_535,
        // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32.
        _ => 32_766,
    }
}

/// Inserts `rows` (each `cols.len()` values) with as few statements as the limit allows.
async fn insert_all(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let per_stmt = max_params(backend) / cols.len();
    let head = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
    let tuple = format!("({})", vec!["?"; cols.len()].join(", "));
    let mut values: Vec<Value> = Vec::new();
    let mut n = 0;
    let flush = |n: usize, values: Vec<Value>| {
        let sql = format!("{head}{}", vec![tuple.as_str(); n].join(", "));
        db::stmt(backend, &sql, values)
    };
    for row in rows {
        debug_assert_eq!(row.len(), cols.len());
        values.extend(row);
        n += 1;
        if n == per_stmt {
            db.execute_raw(flush(n, std::mem::take(&mut values)))
                .await?;
            n = 0;
        }
    }
    if n > 0 {
        db.execute_raw(flush(n, values)).await?;
    }
    Ok(())
}

fn weighted(e: &WeightedEdge, ts: &Value) -> Vec<Value> {
    vec![
        e.parent.into(),
        e.child.into(),
        (if e.essential { "essential" } else { "optional" }).into(),
        e.level.into(),
        ts.clone(),
        ts.clone(),
    ]
}

/// Migrates `conn` with the real migrations and loads `g` into it; returns how long the
/// inserts took (migrations excluded).
pub async fn load(conn: &DatabaseConnection, g: &Graph) -> AppResult<Duration> {
    db::migrate(conn).await?;
    let started = Instant::now();
    // A fixed timestamp: the data is the same on every run.
    let ts = Value::from(
        chrono::DateTime::<chrono::Utc>::from_timestamp(1_767_225_600, 0).unwrap_or_default(),
    );
    let txn = conn.begin().await?;
    insert_all(
        &txn,
        "skill",
        &[
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "esco_uri",
            "created_at",
            "updated_at",
        ],
        g.skills.iter().map(|s| {
            vec![
                s.id.into(),
                s.slug.clone().into(),
                s.name.clone().into(),
                s.kind.into(),
                s.description.clone().into(),
                s.esco_uri.clone().into(),
                ts.clone(),
                ts.clone(),
            ]
        }),
    )
    .await?;
    insert_all(
        &txn,
        "skill_alias",
        &["skill_id", "alias", "created_at"],
        g.aliases
            .iter()
            .map(|(s, a)| vec![(*s).into(), a.clone().into(), ts.clone()]),
    )
    .await?;
    for (table, other, rows) in [
        ("skill_broader", "broader_id", &g.broader),
        ("skill_prerequisite", "prerequisite_id", &g.prerequisites),
        ("skill_related", "related_id", &g.related),
    ] {
        insert_all(
            &txn,
            table,
            &["skill_id", other, "created_at"],
            rows.iter()
                .map(|(a, b)| vec![(*a).into(), (*b).into(), ts.clone()]),
        )
        .await?;
    }
    insert_all(
        &txn,
        "framework",
        &[
            "id",
            "slug",
            "name",
            "language_id",
            "category",
            "first_release_year",
            "created_at",
            "updated_at",
        ],
        g.frameworks.iter().map(|f| {
            vec![
                f.id.into(),
                f.slug.clone().into(),
                f.name.clone().into(),
                f.language_id.into(),
                f.category.into(),
                f.first_release_year.into(),
                ts.clone(),
                ts.clone(),
            ]
        }),
    )
    .await?;
    insert_all(
        &txn,
        "framework_skill",
        &["framework_id", "skill_id", "created_at"],
        g.framework_skills
            .iter()
            .map(|(f, s)| vec![(*f).into(), (*s).into(), ts.clone()]),
    )
    .await?;
    insert_all(
        &txn,
        "role",
        &["id", "slug", "name", "esco_uri", "created_at", "updated_at"],
        g.roles.iter().map(|r| {
            vec![
                r.id.into(),
                r.slug.clone().into(),
                r.name.clone().into(),
                r.esco_uri.clone().into(),
                ts.clone(),
                ts.clone(),
            ]
        }),
    )
    .await?;
    let weighted_cols = [
        "role_id",
        "",
        "importance",
        "level",
        "created_at",
        "updated_at",
    ];
    for (table, child, rows) in [
        ("role_skill", "skill_id", &g.role_skills),
        ("role_framework", "framework_id", &g.role_frameworks),
    ] {
        let mut cols = weighted_cols;
        cols[1] = child;
        insert_all(&txn, table, &cols, rows.iter().map(|e| weighted(e, &ts))).await?;
    }
    txn.commit().await?;
    if conn.get_database_backend() == DbBackend::Postgres {
        // Explicit ids: move the sequences past them, as a real import would leave them.
        for t in ["skill", "framework", "role"] {
            conn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .await?;
        }
        // What autovacuum would do within a minute of a bulk load: planner statistics and the
        // visibility map (index-only scans).
        conn.execute_unprepared("VACUUM ANALYZE").await?;
    }
    Ok(started.elapsed())
}

/// The URL of database `name` on the server of `url` (path replaced, query kept).
pub fn pg_url_for(url: &str, name: &str) -> String {
    let (prefix, rest) = url.split_at(url.find("://").map(|i| i + 3).unwrap_or(0));
    let (hostpart, query) = match rest.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (rest, String::new()),
    };
    let host = hostpart.split('/').next().unwrap_or(hostpart);
    format!("{prefix}{host}/{name}{query}")
}

/// Drops and creates database `name` through the admin URL.
pub async fn recreate_pg_database(admin_url: &str, name: &str) -> AppResult<()> {
    let admin = db::connect(admin_url, 1).await.map_err(|e| {
        AppError::Internal(format!(
            "cannot connect to PostgreSQL at the given URL: {e}"
        ))
    })?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await.ok();
    Ok(())
}

pub async fn drop_pg_database(admin_url: &str, name: &str) -> AppResult<()> {
    let admin = db::connect(admin_url, 1).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin.close().await.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pg_url_for;

    #[test]
    fn pg_url_keeps_host_and_query() {
        assert_eq!(
            pg_url_for("postgres://postgres@127.0.0.1:5432/test", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            pg_url_for("postgres://u:p@h/x?sslmode=disable", "b"),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert_eq!(pg_url_for("postgres://h:1", "b"), "postgres://h:1/b");
    }
}
