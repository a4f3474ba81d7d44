//! The bundled SQLite is built with the project's options (`.cargo/config.toml`, read by
//! libsqlite3-sys's build script), and SQLite pools give idle connections back: a build or a
//! pool that loses them fails here, not only in the benchmark (README "Round 6 of issue #9:
//! memory"). SQLite only: PostgreSQL has neither.
use sea_orm::{ConnectionTrait, Statement};
use skillgraph::db;

/// The options `PRAGMA compile_options` reports, without the `SQLITE_` prefix.
async fn compile_options(conn: &sea_orm::DatabaseConnection) -> Vec<String> {
    conn.query_all_raw(Statement::from_string(
        conn.get_database_backend(),
        "PRAGMA compile_options",
    ))
    .await
    .expect("PRAGMA compile_options")
    .iter()
    .map(|r| r.try_get_by_index::<String>(0).expect("option"))
    .collect()
}

#[tokio::test]
async fn bundled_sqlite_has_the_projects_compile_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("o.db").display());
    let conn = db::connect(&url, 2).await.expect("open SQLite");
    let options = compile_options(&conn).await;
    // No memory statistics: sqlite3_malloc/free take no global mutex.
    // No memory management: each connection's page cache is its own, without a global mutex.
    // sqlx needs a thread-safe library; the JSON functions are used by id lists.
    for want in [
        "DEFAULT_MEMSTATUS=0",
        "LIKE_DOESNT_MATCH_BLOBS",
        "USE_ALLOCA",
        "THREADSAFE=1",
    ] {
        assert!(
            options.iter().any(|o| o == want),
            "{want} missing from {options:?}"
        );
    }
    for unwanted in ["ENABLE_MEMORY_MANAGEMENT", "OMIT_SHARED_CACHE", "OMIT_JSON"] {
        assert!(
            !options.iter().any(|o| o == unwanted),
            "{unwanted} in {options:?}"
        );
    }
    let json = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) FROM json_each('[1,2,3]')",
        ))
        .await
        .expect("json_each")
        .expect("row");
    assert_eq!(json.try_get_by_index::<i64>(0).expect("count"), 3);
    conn.close().await.ok();
}

#[tokio::test]
async fn sqlite_file_pools_close_idle_connections_but_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display());
    let conn = db::connect(&url, 4).await.expect("open SQLite");
    let options = conn.get_sqlite_connection_pool().options();
    assert_eq!(options.get_idle_timeout(), Some(db::SQLITE_IDLE_TIMEOUT));
    assert_eq!(options.get_min_connections(), 1);
    assert_eq!(options.get_max_connections(), 4);
    conn.close().await.ok();
    // An in-memory database lives as long as a connection: never closed for idleness.
    let memory = db::connect("sqlite::memory:", 2)
        .await
        .expect("open memory");
    let options = memory.get_sqlite_connection_pool().options();
    assert_eq!(options.get_idle_timeout(), None);
    assert_eq!(options.get_min_connections(), 1);
    memory.close().await.ok();
}
