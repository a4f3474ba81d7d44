//! The N+1 invariant: the number of SQL statements a request issues depends on the shape of the
//! query, not on how much data there is.
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use serde_json::json;
use skillgraph::db::stmt;

use crate::helpers::{engines, TestApp};

const LANGUAGES: usize = 10;
const CONCEPTS: usize = 40;
const FRAMEWORKS: usize = 30;

/// A generated graph: languages, concepts, frameworks each written in a language and using
/// three concepts, and `roles` roles each requiring six skills and two frameworks.
async fn generate(app: &TestApp, roles: usize) {
    let txn = app.db.begin().await.expect("begin");
    let b = txn.get_database_backend();
    let now = || Value::from(chrono::Utc::now());
    let exec = |sql: &str, v: Vec<Value>| stmt(b, sql, v);
    for i in 0..LANGUAGES + CONCEPTS {
        let (slug, kind) = if i < LANGUAGES {
            (format!("lang-{i:02}"), "language")
        } else {
            (format!("concept-{i:02}"), "concept")
        };
        txn.execute_raw(exec(
            "INSERT INTO skill (id, slug, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![(i as i64 + 1).into(), slug.clone().into(), slug.into(), kind.into(), now(), now()],
        ))
        .await
        .expect("skill");
    }
    for f in 0..FRAMEWORKS {
        let id = f as i64 + 1;
        let lang = (f % LANGUAGES) as i64 + 1;
        txn.execute_raw(exec(
            "INSERT INTO framework (id, slug, name, language_id, category, created_at, updated_at) VALUES (?, ?, ?, ?, 'web-framework', ?, ?)",
            vec![id.into(), format!("fw-{f:02}").into(), format!("Fw {f}").into(), lang.into(), now(), now()],
        ))
        .await
        .expect("framework");
        let mut uses = vec![lang];
        uses.extend((0..3).map(|k| (LANGUAGES + (f * 3 + k) % CONCEPTS) as i64 + 1));
        for s in uses {
            txn.execute_raw(exec(
                "INSERT INTO framework_skill (framework_id, skill_id, created_at) VALUES (?, ?, ?)",
                vec![id.into(), s.into(), now()],
            ))
            .await
            .expect("framework_skill");
        }
    }
    for r in 0..roles {
        let id = r as i64 + 1;
        txn.execute_raw(exec(
            "INSERT INTO role (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                id.into(),
                format!("role-{r:04}").into(),
                format!("Role {r}").into(),
                now(),
                now(),
            ],
        ))
        .await
        .expect("role");
        for k in 0..6 {
            let skill = ((r * 7 + k * 11) % (LANGUAGES + CONCEPTS)) as i64 + 1;
            txn.execute_raw(exec(
                "INSERT INTO role_skill (role_id, skill_id, importance, level, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                vec![id.into(), skill.into(), (if k % 2 == 0 { "essential" } else { "optional" }).into(), ((k % 5) as i32 + 1).into(), now(), now()],
            ))
            .await
            .expect("role_skill");
        }
        for k in 0..2 {
            let fw = ((r + k * 13) % FRAMEWORKS) as i64 + 1;
            txn.execute_raw(exec(
                "INSERT INTO role_framework (role_id, framework_id, importance, level, created_at, updated_at) VALUES (?, ?, 'optional', 2, ?, ?) ON CONFLICT DO NOTHING",
                vec![id.into(), fw.into(), now(), now()],
            ))
            .await
            .expect("role_framework");
        }
    }
    txn.commit().await.expect("commit");
    if app.backend() == sea_orm::DbBackend::Postgres {
        // Explicit ids above: move the sequences past them.
        for t in ["skill", "framework", "role"] {
            app.db
                .execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
                ))
                .await
                .expect("setval");
        }
    }
}

/// roles → skills → frameworks → language → frameworks: four relation levels.
const QUERY: &str = "{ roles(first: 100) { totalCount nodes { slug skills(first: 10) { totalCount edges { importance level node { slug frameworks(first: 10) { totalCount nodes { slug language { slug frameworks(first: 10) { totalCount nodes { slug } } } } } } } } } } }";
const LEVELS: usize = 4;

async fn statements_for(
    engine: crate::helpers::Engine,
    roles: usize,
) -> (usize, serde_json::Value) {
    // This query may fan out to 100 × 10 × 10 × 10 nodes: lift the cost limit for it.
    let layer = skillgraph::config::ConfigLayer {
        max_complexity: Some(10_000_000),
        ..Default::default()
    };
    let app = TestApp::with_config(engine, layer).await;
    generate(&app, roles).await;
    app.reset_statements();
    let data = app.data(QUERY, json!({})).await;
    let (n, log) = app.statements();
    // A page (or the language lookup) and a count per level, plus the root's page: every one
    // counted, those SQLite reads in place included (`store::observe`).
    assert!(
        (2 * LEVELS..=1 + 2 * LEVELS).contains(&n),
        "[{engine:?}] {n} statements for {roles} roles:\n{}",
        log.join("\n")
    );
    app.cleanup().await;
    (n, data)
}

#[tokio::test]
async fn statement_count_does_not_grow_with_the_data() {
    for engine in engines() {
        let (small, small_data) = statements_for(engine, 10).await;
        let (large, large_data) = statements_for(engine, 1000).await;
        assert_eq!(small, large, "[{engine:?}] statements grew with the data");
        // The answers are real: 10 and 100 roles on the page, each with its skills and frameworks.
        assert_eq!(small_data["roles"]["totalCount"], 10);
        assert_eq!(large_data["roles"]["totalCount"], 1000);
        assert_eq!(
            large_data["roles"]["nodes"].as_array().map(Vec::len),
            Some(100)
        );
        let first_role = &large_data["roles"]["nodes"][0];
        assert_eq!(first_role["skills"]["totalCount"], 6);
        let edge = &first_role["skills"]["edges"][0];
        let fws = &edge["node"]["frameworks"];
        if let Some(fw) = fws["nodes"].as_array().and_then(|a| a.first()) {
            assert!(
                fw["language"]["frameworks"]["totalCount"]
                    .as_i64()
                    .unwrap_or(0)
                    >= 1
            );
        }
        eprintln!(
            "[{engine:?}] statements per request: {small} (10 roles) = {large} (1,000 roles)"
        );
    }
}
