//! The answer cache (`store::answers`): lookups, top-level pages and nested pages are answered
//! from memory while nothing is written. On PostgreSQL a write is seen at once when it went
//! through this instance, within moments when another process wrote; on SQLite each request
//! reads the data version first (one statement) and sees every write committed before it. When
//! the cache cannot hear writes, every read runs its statement.
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{json, Value};
use skillgraph::{config::ConfigLayer, db, store::db::Pooler};

use super::{helpers::*, listing::walk};

const ROLE: &str = r#"{ role(by: { slug: "backend-developer" }) { name } }"#;
const SKILLS: &str = "{ skills(first: 20) { nodes { name description } } }";
/// How long the tests wait for what happens in the background (a listener connecting, a
/// notification arriving); generous, as the machines are shared.
const PATIENCE: Duration = Duration::from_secs(20);

/// Runs `query` and returns its data and the statements it ran.
async fn run(app: &TestApp, query: &str) -> (Value, usize) {
    app.reset_statements();
    let data = app.data(query, json!({})).await;
    (data, app.statements().0)
}

/// Waits until the listener is connected and the check of the data version has seen the last
/// write: a repeated lookup then runs no statement, for longer than a check's interval.
async fn until_serving(app: &TestApp) {
    let start = Instant::now();
    let mut kept_since: Option<Instant> = None;
    loop {
        if run(app, ROLE).await.1 == 0 {
            let since = *kept_since.get_or_insert_with(Instant::now);
            if since.elapsed() > Duration::from_millis(1500) {
                return;
            }
        } else {
            kept_since = None;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the answer cache never served on {:?}",
            app.engine
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A PostgreSQL app whose answer cache is serving; None without PostgreSQL.
async fn serving_postgres() -> Option<TestApp> {
    if !engines().contains(&Engine::Postgres) {
        return None;
    }
    let app = TestApp::spawn_cached(Engine::Postgres).await;
    until_serving(&app).await;
    Some(app)
}

fn role_name(v: &Value) -> &str {
    v["role"]["name"].as_str().unwrap_or_default()
}

/// Writes `sql` through a pool of its own, as another instance or process would; returns it.
async fn write_elsewhere(app: &TestApp, sql: &str) -> sea_orm::DatabaseConnection {
    let other = db::connect(&app.url, 1).await.expect("another pool");
    other
        .execute_unprepared(sql)
        .await
        .expect("write from elsewhere");
    other
}

/// Waits until the lookup answers `name`.
async fn until_named(app: &TestApp, name: &str) {
    let start = Instant::now();
    while role_name(&run(app, ROLE).await.0) != name {
        assert!(start.elapsed() < PATIENCE, "{name} was never seen");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn lookups_and_pages_are_answered_from_memory() {
    for engine in engines() {
        // The curated catalog with ESCO's excerpt imported over it: the pages hold both.
        let app = TestApp::spawn_cached(engine).await;
        app.import_esco_fixture().await;
        // SQLite reads the data version first, every request; PostgreSQL hears writes instead.
        let check = usize::from(engine == Engine::Sqlite);
        let (role, n) = run(&app, ROLE).await;
        assert_eq!(role_name(&role), "Back-End Developer");
        assert_eq!(n, check + 1, "[{engine:?}] a lookup is one statement");
        let (skills, n) = run(&app, SKILLS).await;
        assert_eq!(n, check + 1, "[{engine:?}] a page is one statement");
        assert_eq!(skills["skills"]["nodes"].as_array().map(Vec::len), Some(20));
        if engine == Engine::Postgres {
            until_serving(&app).await;
            run(&app, SKILLS).await;
        }
        for _ in 0..3 {
            assert_eq!(
                run(&app, ROLE).await,
                (role.clone(), check),
                "[{engine:?}] kept"
            );
            assert_eq!(
                run(&app, SKILLS).await,
                (skills.clone(), check),
                "[{engine:?}] kept"
            );
        }
        // Another page, and another slug, are other answers.
        let (other, n) = run(&app, "{ skills(first: 3) { nodes { name } } }").await;
        assert_eq!(n, check + 1);
        assert_eq!(other["skills"]["nodes"].as_array().map(Vec::len), Some(3));
        let missing = r#"{ role(by: { slug: "no-such-role" }) { name } }"#;
        let (none, n) = run(&app, missing).await;
        assert_eq!((none["role"].clone(), n), (Value::Null, check + 1));
        assert_eq!(run(&app, missing).await.1, check, "absence is kept too");
        // A key longer than MAX_KEY_BYTES (a client's 2,000-letter slug) is never kept.
        let long = format!(
            r#"{{ role(by: {{ slug: "{}" }}) {{ name }} }}"#,
            "a".repeat(2000)
        );
        for _ in 0..2 {
            let (none, n) = run(&app, &long).await;
            assert_eq!(
                (none["role"].clone(), n),
                (Value::Null, check + 1),
                "[{engine:?}]"
            );
        }
        app.cleanup().await;
    }
}

/// On SQLite another process's write (an import, `sqlite3`) is seen by the next request: it
/// reads the data version before anything kept.
#[tokio::test]
async fn another_writer_is_seen_by_the_next_request_on_sqlite() {
    if !engines().contains(&Engine::Sqlite) {
        return;
    }
    let app = TestApp::spawn_cached(Engine::Sqlite).await;
    let (before, _) = run(&app, ROLE).await;
    assert_eq!(role_name(&before), "Back-End Developer");
    assert_eq!(run(&app, ROLE).await, (before, 1), "kept: the check only");
    let other = write_elsewhere(
        &app,
        "UPDATE role SET name = 'Renamed Elsewhere' WHERE slug = 'backend-developer'",
    )
    .await;
    let (after, n) = run(&app, ROLE).await;
    assert_eq!(role_name(&after), "Renamed Elsewhere");
    assert_eq!(n, 2, "the check, then the lookup again");
    assert_eq!(run(&app, ROLE).await, (after, 1), "kept again");
    other.close().await.ok();
    app.cleanup().await;
}

/// An app whose listener hears another database: connected, but deaf to this one's writes, as
/// when notifications are slow or lost. Only this instance's own invalidations, and the check
/// of the data version every second, keep its answers current.
async fn deaf(engine: Engine) -> TestApp {
    let listen = match engine {
        Engine::Sqlite => None,
        Engine::Postgres => std::env::var("SKILLGRAPH_TEST_POSTGRES_URL").ok(),
    };
    TestApp::with_config(
        engine,
        ConfigLayer {
            admin_token: Some(skillgraph::config::Secret::new(ADMIN_TOKEN)),
            listen_database_url: listen,
            answer_cache_rows: Some(skillgraph::store::answers::DEFAULT_ROWS),
            ..Default::default()
        },
    )
    .await
    .seeded()
    .await
}

#[tokio::test]
async fn a_mutation_is_read_back_at_once() {
    for engine in engines() {
        let app = deaf(engine).await;
        if engine == Engine::Postgres {
            until_serving(&app).await;
        }
        let before = run(&app, ROLE).await.0;
        assert_eq!(role_name(&before), "Back-End Developer");
        let rename = r#"mutation($name: String!) {
            updateRole(role: { slug: "backend-developer" }, input: { name: $name }) {
                role { name } userErrors { code }
            }
        }"#;
        let list = "{ roles(first: 100, orderBy: { field: NAME }) { nodes { slug name } } }";
        for name in ["Back-End Engineer", "Back-End Developer (renamed)"] {
            // Kept before the mutation.
            run(&app, list).await;
            let out = app.admin_ok(rename, json!({ "name": name })).await;
            assert_eq!(
                out["updateRole"]["role"]["name"],
                json!(name),
                "[{engine:?}] the payload"
            );
            let (after, _) = run(&app, ROLE).await;
            assert_eq!(role_name(&after), name, "[{engine:?}] read back at once");
            let page = run(&app, list).await.0;
            let listed = page["roles"]["nodes"]
                .as_array()
                .and_then(|n| n.iter().find(|r| r["slug"] == json!("backend-developer")))
                .map(|r| r["name"].clone());
            assert_eq!(listed, Some(json!(name)), "[{engine:?}] the page too");
        }
        app.cleanup().await;
    }
}

/// A write no notification announces is seen by the check of the data version.
#[tokio::test]
async fn an_unannounced_write_is_seen_by_the_check() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    let app = deaf(Engine::Postgres).await;
    until_serving(&app).await;
    let other = write_elsewhere(
        &app,
        "UPDATE role SET name = 'Renamed Quietly' WHERE slug = 'backend-developer'",
    )
    .await;
    until_named(&app, "Renamed Quietly").await;
    other.close().await.ok();
    app.cleanup().await;
}

/// A write this instance did not make (another instance, an import, `psql`) notifies every
/// instance through the data version's trigger; the kept answer goes.
#[tokio::test]
async fn another_writer_is_seen_within_moments() {
    let Some(app) = serving_postgres().await else {
        return;
    };
    // The trigger notifies on commit.
    let mut listener = sqlx::postgres::PgListener::connect(&app.url)
        .await
        .expect("listen");
    listener.listen("sg_data_changed").await.expect("LISTEN");
    let other = write_elsewhere(
        &app,
        "UPDATE role SET name = 'Renamed Elsewhere' WHERE slug = 'backend-developer'",
    )
    .await;
    let heard = tokio::time::timeout(PATIENCE, listener.recv()).await;
    assert!(
        heard.is_ok_and(|n| n.is_ok()),
        "the trigger sends sg_data_changed"
    );
    until_named(&app, "Renamed Elsewhere").await;
    // Kept again afterwards (once the check of the data version has seen the change too: it
    // drops the cache once more).
    until_serving(&app).await;
    assert_eq!(role_name(&run(&app, ROLE).await.0), "Renamed Elsewhere");
    other.close().await.ok();
    app.cleanup().await;
}

/// Notifications sent while the listener is away are lost: nothing is served while it is away,
/// and what was kept before goes when it is back.
#[tokio::test]
async fn a_lost_listener_drops_what_was_kept() {
    let Some(app) = serving_postgres().await else {
        return;
    };
    let other = db::connect(&app.url, 1).await.expect("another pool");
    // In one transaction: a change, and the listener's end. The change is committed after the
    // listener is gone, so its notification reaches no listener of this instance's.
    let txn = other.begin().await.expect("begin");
    txn.execute_unprepared(
        "UPDATE role SET name = 'Renamed Unheard' WHERE slug = 'backend-developer'",
    )
    .await
    .expect("write from elsewhere");
    let killed = txn
        .query_all_raw(sea_orm::Statement::from_string(
            txn.get_database_backend(),
            "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND query LIKE '%sg_data_changed%'",
        ))
        .await
        .expect("terminate the listener");
    assert_eq!(killed.len(), 1, "one listener per instance");
    txn.commit().await.expect("commit");
    // Until this instance notices its listener is gone (a moment: the check of the data version
    // bounds it to a second) the old answer may still be served. From then on every read sees
    // the change: nothing is served while the listener is away, and when it is back what was
    // kept before is gone.
    let start = Instant::now();
    let mut counts = Vec::new();
    while start.elapsed() < Duration::from_millis(1500) || !counts.ends_with(&[0]) {
        let (data, n) = run(&app, ROLE).await;
        counts.push(n);
        if counts.contains(&1) {
            assert_eq!(role_name(&data), "Renamed Unheard", "after {counts:?}");
        }
        assert!(
            start.elapsed() < PATIENCE,
            "statements per lookup since the listener was lost: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(role_name(&run(&app, ROLE).await.0), "Renamed Unheard");
    assert!(counts.contains(&1), "read again: {counts:?}");
    other.close().await.ok();
    app.cleanup().await;
}

/// Behind a transaction-mode pooler without a session connection to LISTEN on, or with no
/// rows allowed, nothing is kept.
#[tokio::test]
async fn nothing_is_kept_where_writes_cannot_be_heard() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    for layer in [
        ConfigLayer {
            pg_pooler: Some(Pooler::Transaction),
            answer_cache_rows: Some(skillgraph::store::answers::DEFAULT_ROWS),
            ..Default::default()
        },
        ConfigLayer {
            answer_cache_rows: Some(0),
            ..Default::default()
        },
    ] {
        let app = TestApp::with_config(Engine::Postgres, layer)
            .await
            .seeded()
            .await;
        // Time enough for a listener to connect, were there one.
        tokio::time::sleep(Duration::from_millis(500)).await;
        for _ in 0..3 {
            assert_eq!(run(&app, ROLE).await.1, 1);
        }
        app.cleanup().await;
    }
}

/// Pages walked forward and backward in both directions of an order agree when they are
/// answered from memory (a backward page in one order runs the statement of a forward page in
/// the other: the page's arguments are part of the key).
#[tokio::test]
async fn pages_walked_both_ways_agree_when_kept() {
    let Some(app) = serving_postgres().await else {
        return;
    };
    // The second pass is answered from memory.
    for _ in 0..2 {
        let (asc, asc_back) = walk(&app, "skills", "orderBy: { field: NAME },", 7).await;
        let (desc, desc_back) = walk(
            &app,
            "skills",
            "orderBy: { field: NAME, direction: DESC },",
            7,
        )
        .await;
        assert_eq!(asc, asc_back);
        assert_eq!(desc, desc_back);
        assert!(asc.len() > 7, "several pages");
        assert_eq!(asc, desc.iter().rev().cloned().collect::<Vec<_>>());
    }
    app.cleanup().await;
}

/// Q1's shape on a few roles: their skills' pages (with counts) and those skills' broader
/// pages.
const NESTED: &str = "query($n: Int!) { roles(first: $n) { nodes { slug skills(first: 4) { \
    totalCount edges { importance node { slug name broader(first: 2) { nodes { name } } } } } } } }";

/// The answer cache's hits and misses, from `/metrics`.
async fn cache_counts(app: &TestApp) -> (f64, f64) {
    let r = app
        .send(
            axum::http::Request::get("/metrics")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    let text = String::from_utf8(r.body).expect("utf-8");
    let read = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
            .unwrap_or(-1.0)
    };
    (
        read("skillgraph_answer_cache_hits_total"),
        read("skillgraph_answer_cache_misses_total"),
    )
}

/// Nested pages and their counts are kept per parent: the same nested query runs no statement
/// the second time (on SQLite, the check of the data version only), and a larger one reads only
/// the parents not seen yet, answering what a server without the cache answers.
#[tokio::test]
async fn nested_pages_are_kept_per_parent() {
    for engine in engines() {
        let app = TestApp::spawn_cached(engine).await;
        app.import_esco_fixture().await;
        if engine == Engine::Postgres {
            until_serving(&app).await;
        }
        // The same database, served with the cache off.
        let (reference, _, _) = app
            .twin(
                2,
                ConfigLayer {
                    answer_cache_rows: Some(0),
                    ..Default::default()
                },
            )
            .await;
        let uncached = |n: u32| {
            let reference = reference.clone();
            async move { post_json(&reference, NESTED, json!({ "n": n }), None).await["data"].clone() }
        };
        app.reset_statements();
        let five = app.data(NESTED, json!({ "n": 5 })).await;
        let first = app.statements().0;
        assert_eq!(five, uncached(5).await, "[{engine:?}]");
        let roles = five["roles"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(roles.len(), 5);
        let broader: usize = roles
            .iter()
            .flat_map(|r| r["skills"]["edges"].as_array().cloned().unwrap_or_default())
            .map(|e| e["node"]["broader"]["nodes"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(
            broader > 0,
            "[{engine:?}] the fixture's skills have broader skills"
        );
        // Root page, skills' pages, their counts, broader pages (and SQLite's check).
        let check = usize::from(engine == Engine::Sqlite);
        assert_eq!(first, check + 4, "[{engine:?}]");
        app.reset_statements();
        assert_eq!(app.data(NESTED, json!({ "n": 5 })).await, five);
        assert_eq!(
            app.statements().0,
            check,
            "[{engine:?}] every page and count kept"
        );
        // Nine roles: the first five's pages and counts are kept, the four others' are read
        // (with the new skills' broader pages).
        let (hits, misses) = cache_counts(&app).await;
        let nine = app.data(NESTED, json!({ "n": 9 })).await;
        assert_eq!(nine, uncached(9).await, "[{engine:?}]");
        let (hits2, misses2) = cache_counts(&app).await;
        assert!(
            hits2 - hits >= 10.0,
            "[{engine:?}] 5 roles' pages and counts kept: {hits} → {hits2}"
        );
        assert!(
            misses2 - misses >= 9.0,
            "[{engine:?}] the root page, 4 roles' pages and counts read: {misses} → {misses2}"
        );
        assert_eq!(
            nine["roles"]["nodes"].as_array().map(|r| r[..5].to_vec()),
            Some(roles.clone())
        );
        app.cleanup().await;
    }
}

/// A mutation of a nested node or edge is read back at once in the nested pages and counts,
/// and so is another process's write to an edge table: at once on SQLite, within moments on
/// PostgreSQL.
#[tokio::test]
async fn nested_pages_follow_writes() {
    for engine in engines() {
        let app = deaf(engine).await;
        app.import_esco_fixture().await;
        if engine == Engine::Postgres {
            until_serving(&app).await;
        }
        let query = r#"{ role(by: { slug: "backend-developer" }) { skills(first: 50) {
            totalCount nodes { slug name } } } }"#;
        let skills = |v: &Value| v["role"]["skills"].clone();
        let before = skills(&app.data(query, json!({})).await);
        let first = before["nodes"][0]["slug"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let total = before["totalCount"].as_i64().unwrap_or_default();
        assert!(total > 1, "[{engine:?}] {before}");
        // Kept, then renamed through this instance.
        app.data(query, json!({})).await;
        let out = app
            .admin_ok(
                r#"mutation($slug: String!) { updateSkill(skill: { slug: $slug },
                    input: { name: "Renamed Nested" }) { skill { name } } }"#,
                json!({ "slug": first }),
            )
            .await;
        assert_eq!(out["updateSkill"]["skill"]["name"], json!("Renamed Nested"));
        let after = skills(&app.data(query, json!({})).await);
        assert_eq!(
            after["nodes"][0]["name"],
            json!("Renamed Nested"),
            "[{engine:?}]"
        );
        // Unlinked through this instance: gone from the page and the count at once.
        app.data(query, json!({})).await;
        app.admin_ok(
            r#"mutation($slug: String!) { unlinkRoleSkill(role: { slug: "backend-developer" },
                skill: { slug: $slug }) { removedNodeId } }"#,
            json!({ "slug": first }),
        )
        .await;
        let after = skills(&app.data(query, json!({})).await);
        assert_eq!(after["totalCount"], json!(total - 1), "[{engine:?}]");
        assert_ne!(after["nodes"][0]["slug"], json!(first), "[{engine:?}]");
        // Another process removes an edge: the kept page goes.
        let before = total - 1;
        assert_eq!(
            skills(&app.data(query, json!({})).await)["totalCount"],
            json!(before)
        );
        let other = write_elsewhere(
            &app,
            "DELETE FROM role_skill WHERE role_id = (SELECT id FROM role \
             WHERE slug = 'backend-developer') AND skill_id = (SELECT MIN(skill_id) \
             FROM role_skill WHERE role_id = (SELECT id FROM role \
             WHERE slug = 'backend-developer'))",
        )
        .await;
        let seen = |v: Value| v["role"]["skills"]["totalCount"] == json!(before - 1);
        if engine == Engine::Sqlite {
            assert!(
                seen(app.data(query, json!({})).await),
                "SQLite: seen by the next request"
            );
        }
        // PostgreSQL: within moments; the deaf listener leaves it to the check.
        let start = Instant::now();
        while !seen(app.data(query, json!({})).await) {
            assert!(
                start.elapsed() < PATIENCE,
                "[{engine:?}] the removed edge was never seen"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        other.close().await.ok();
        app.cleanup().await;
    }
    // A listener that hears: PostgreSQL sees another process's edge deletion within moments.
    let Some(app) = serving_postgres().await else {
        return;
    };
    let query = r#"{ role(by: { slug: "backend-developer" }) { skills(first: 50) {
        totalCount } } }"#;
    let total = |v: Value| {
        v["role"]["skills"]["totalCount"]
            .as_i64()
            .unwrap_or_default()
    };
    let before = total(app.data(query, json!({})).await);
    assert_eq!(run(&app, query).await.1, 0, "kept");
    let other = write_elsewhere(
        &app,
        "DELETE FROM role_skill WHERE role_id = (SELECT id FROM role \
         WHERE slug = 'backend-developer') AND skill_id = (SELECT MIN(skill_id) FROM role_skill \
         WHERE role_id = (SELECT id FROM role WHERE slug = 'backend-developer'))",
    )
    .await;
    let start = Instant::now();
    while total(app.data(query, json!({})).await) != before - 1 {
        assert!(
            start.elapsed() < PATIENCE,
            "the removed edge was never seen"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    other.close().await.ok();
    app.cleanup().await;
}

const RELATED: &str = r#"{ relatedSkills(skill: { slug: "python" }, first: 5) {
    score node { __typename name slug }
} }"#;

/// The names of a relatedSkills answer's nodes, in order.
fn related_names(v: &Value) -> Vec<String> {
    v["relatedSkills"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["node"]["name"].as_str().map(str::to_owned))
        .collect()
}

/// relatedSkills reads a node, its stored list and the listed nodes: each is kept (the list
/// while it is current), so a repeated ask runs no statement of its own; a write to a listed
/// node, by another process, is seen. On the curated catalog with ESCO's excerpt imported.
#[tokio::test]
async fn related_skills_are_answered_from_memory_until_a_write() {
    for engine in engines() {
        let app = TestApp::spawn_cached(engine).await;
        app.import_esco_fixture().await;
        if engine == Engine::Postgres {
            until_serving(&app).await;
        }
        let check = usize::from(engine == Engine::Sqlite);
        let (first, n) = run(&app, RELATED).await;
        let names = related_names(&first);
        assert_eq!(names.len(), 5, "[{engine:?}] {first}");
        assert!(n > check, "[{engine:?}] the first ask reads: {n}");
        // The first ask may have counted the list (and stored it); by the next but one every
        // read is kept.
        run(&app, RELATED).await;
        assert_eq!(
            run(&app, RELATED).await,
            (first.clone(), check),
            "[{engine:?}] kept"
        );
        // Another process renames the second related skill: the next asks see the new name.
        let slug = first["relatedSkills"][1]["node"]["slug"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!slug.is_empty(), "[{engine:?}] {first}");
        let table = match first["relatedSkills"][1]["node"]["__typename"].as_str() {
            Some("Framework") => "framework",
            _ => "skill",
        };
        let other = write_elsewhere(
            &app,
            &format!("UPDATE {table} SET name = 'Renamed Elsewhere' WHERE slug = '{slug}'"),
        )
        .await;
        let start = Instant::now();
        loop {
            let (now, _) = run(&app, RELATED).await;
            let got = related_names(&now);
            if got.iter().any(|g| g == "Renamed Elsewhere") {
                assert_eq!(got.len(), 5, "[{engine:?}] {now}");
                break;
            }
            // SQLite's check sees it at once; PostgreSQL hears it within moments.
            assert!(
                engine == Engine::Postgres && start.elapsed() < PATIENCE,
                "[{engine:?}] the rename was not seen: {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        other.close().await.ok();
        app.cleanup().await;
    }
}
