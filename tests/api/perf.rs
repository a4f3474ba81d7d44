//! Performance guards: id lists reach PostgreSQL as a typed `int8[]` (never as array text, which
//! makes the first executions on each connection re-parse the text for every row scanned), and
//! the nested headline query (Q1) runs on a freshly opened pool, over an imported ESCO excerpt,
//! in three statements and well within a generous time bound.
use std::time::{Duration, Instant};

use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use sea_orm::{sea_query::ArrayType, ConnectionTrait, DbBackend, Statement, Value};
// The edge tables' copies of their nodes' slugs (migration `m20261202_010001`).
use migration::EDGE_SORT_COPIES as SORT_COPIES;
use serde_json::json;
use skillgraph::store::columns::Node;
use tower::ServiceExt;

use crate::helpers::{engines, Engine, TestApp};

/// The nested query of the benchmark: roles → skills (with edge data) → broader skills.
const Q1: &str = "{ roles(first: 50) { nodes { name skills(first: 20) { edges { importance node { name broader(first: 5) { nodes { name } } } } } } } }";

async fn post(router: &Router, query: &str) -> serde_json::Value {
    let body = json!({ "query": query }).to_string();
    let req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(Body::from(body))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON body");
    assert!(v.get("errors").is_none(), "errors: {v}");
    v["data"].clone()
}

/// Whether a statement filters on an id list (the store's `in_id_list`).
fn has_id_list(s: &Statement) -> bool {
    s.sql.contains("= ANY(") || s.sql.contains("unnest(") || s.sql.contains("json_each(")
}

#[tokio::test]
async fn id_lists_reach_postgres_as_typed_arrays() {
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let (router, conn, seen) = app.fresh_app(5).await;
        let data = post(&router, Q1).await;
        let roles = data["roles"]["nodes"].as_array().expect("roles");
        assert!(!roles.is_empty(), "[{engine:?}] no roles: {data}");
        let statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let lists: Vec<&Statement> = statements.iter().filter(|s| has_id_list(s)).collect();
        // Role → skills and skill → broader: both levels take their parents as one list.
        assert_eq!(lists.len(), 2, "[{engine:?}] statements: {statements:#?}");
        for s in lists {
            let values = s.values.as_ref().map(|v| v.0.clone()).unwrap_or_default();
            match engine {
                Engine::Postgres => {
                    assert!(
                        !s.sql.to_lowercase().contains("bigint[]"),
                        "[{engine:?}] id list cast from text: {}",
                        s.sql
                    );
                    let arrays: Vec<&Value> = values
                        .iter()
                        .filter(|v| matches!(v, Value::Array(ArrayType::BigInt, Some(_))))
                        .collect();
                    assert_eq!(arrays.len(), 1, "[{engine:?}] no int8[] in {values:?}");
                    assert!(
                        !values.iter().any(|v| matches!(v, Value::String(_))),
                        "[{engine:?}] text parameter in {}: {values:?}",
                        s.sql
                    );
                    if let Value::Array(_, Some(ids)) = arrays[0] {
                        assert!(!ids.is_empty());
                        assert!(ids.iter().all(|v| matches!(v, Value::BigInt(Some(_)))));
                    }
                }
                Engine::Sqlite => {
                    // SQLite has no arrays: it reads a JSON array of ids.
                    assert!(
                        values.iter().any(|v| matches!(
                            v,
                            Value::String(Some(t)) if t.starts_with('[') && t.ends_with(']')
                        )),
                        "[{engine:?}] no JSON id list in {values:?}"
                    );
                }
            }
        }
        conn.close().await.ok();
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nested_query_on_a_fresh_pool_is_fast_on_an_imported_graph() {
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let (router, conn, seen) = app.fresh_app(5).await;
        // The first executions on each new connection are the ones PostgreSQL plans with the
        // bound values: run the query a few times, each on a pool that has not warmed up.
        let started = Instant::now();
        let mut data = json!(null);
        for _ in 0..3 {
            data = post(&router, Q1).await;
        }
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "[{engine:?}] three Q1 on a fresh pool took {took:?}"
        );
        let statements = seen.lock().map(|s| s.len()).unwrap_or(0);
        assert_eq!(statements, 9, "[{engine:?}] Q1 must take 3 statements each");

        // The answer is the imported graph: roles with their ESCO skills, some of which have
        // broader skills from the ESCO hierarchy.
        let roles = data["roles"]["nodes"].as_array().expect("roles");
        assert!(roles.len() > 10, "[{engine:?}] {} roles", roles.len());
        let edges: Vec<serde_json::Value> = roles
            .iter()
            .flat_map(|r| r["skills"]["edges"].as_array().cloned().unwrap_or_default())
            .collect();
        assert!(!edges.is_empty(), "[{engine:?}] no role has skills");
        assert!(edges.iter().all(|e| e["node"]["name"].is_string()));
        assert!(edges
            .iter()
            .all(|e| e["importance"] == "ESSENTIAL" || e["importance"] == "OPTIONAL"));
        let broader = edges
            .iter()
            .filter(|e| {
                e["node"]["broader"]["nodes"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty())
            })
            .count();
        assert!(broader > 0, "[{engine:?}] no skill has a broader skill");
        eprintln!(
            "[{engine:?}] 3 × Q1 on a fresh pool: {took:?}, {} roles, {} skill edges, {broader} with broader",
            roles.len(),
            edges.len()
        );
        conn.close().await.ok();
        app.cleanup().await;
    }
}

#[tokio::test]
async fn typed_id_list_matches_the_rows() {
    // The store's id list on its own: the rows asked for, none other, on both engines.
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let backend: DbBackend = app.backend();
        let ids: Vec<i64> = vec![1, 2, 3, 1_000_000];
        let rows: std::collections::HashMap<i64, entity::skill::Model> =
            skillgraph::store::by_ids(&app.db, "skill", &ids, |m: &entity::skill::Model| m.id)
                .await
                .map_err(|e| e.detail())
                .expect("by_ids");
        let mut got: Vec<i64> = rows.keys().copied().collect();
        got.sort_unstable();
        assert_eq!(got, vec![1, 2, 3], "[{backend:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nested_rows_read_only_the_columns_the_query_selects() {
    // Q1 shows the skills' names and the edges' importance: its nested statements read the
    // node's id and name and, of the edge attributes, importance only. A query selecting
    // `escoUri` under the same connection reads it, and gets the imported URIs.
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let (router, conn, seen) = app.fresh_app(5).await;
        post(&router, Q1).await;
        let statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let nested: Vec<&Statement> = statements.iter().filter(|s| has_id_list(s)).collect();
        assert_eq!(nested.len(), 2, "[{engine:?}] {statements:#?}");
        for s in &nested {
            assert!(
                s.sql.contains("n.id") && s.sql.contains("n.name"),
                "[{engine:?}] {}",
                s.sql
            );
            assert!(
                !s.sql.contains("n.*"),
                "[{engine:?}] every column read: {}",
                s.sql
            );
            for col in entity::skill::Model::COLUMNS
                .iter()
                .filter(|c| !["id", "name"].contains(c))
            {
                assert!(
                    !s.sql.contains(&format!("n.{col}")),
                    "[{engine:?}] {col} read by a names-only page: {}",
                    s.sql
                );
            }
            for attr in [
                "sg_level",
                "sg_hot",
                "sg_in_demand",
                "sg_onet_im",
                "sg_onet_lv",
            ] {
                assert!(!s.sql.contains(attr), "[{engine:?}] {attr} read: {}", s.sql);
            }
        }
        // Role → skills reads importance; skill → broader has no attributes.
        assert_eq!(
            nested
                .iter()
                .filter(|s| s.sql.contains("sg_essential"))
                .count(),
            1,
            "[{engine:?}] {nested:#?}"
        );

        let data = post(
            &router,
            "{ roles(first: 50) { nodes { skills(first: 20) { nodes { name escoUri reuseLevel } } } } }",
        )
        .await;
        let skills: Vec<serde_json::Value> = data["roles"]["nodes"]
            .as_array()
            .expect("roles")
            .iter()
            .flat_map(|r| r["skills"]["nodes"].as_array().cloned().unwrap_or_default())
            .collect();
        assert!(!skills.is_empty(), "[{engine:?}] no skills: {data}");
        let with_uri = skills
            .iter()
            .filter(|s| {
                s["escoUri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http://data.europa.eu/esco/skill/"))
            })
            .count();
        assert!(
            with_uri > 0,
            "[{engine:?}] an ESCO import's skills have no escoUri: {skills:?}"
        );
        assert!(
            skills.iter().any(|s| s["reuseLevel"].is_string()),
            "[{engine:?}] no reuseLevel read: {skills:?}"
        );
        conn.close().await.ok();
        app.cleanup().await;
    }
}

/// Per copy column: (edge rows, rows whose copy differs from the node's slug).
async fn copies_out_of_step(app: &TestApp) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    for (table, col, node, copy) in SORT_COPIES {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                app.backend(),
                format!(
                    "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN e.{copy} = k.slug THEN 0 ELSE 1 END), 0) AS bad \
                     FROM {table} e JOIN {node} k ON k.id = e.{col}"
                ),
            ))
            .await
            .expect("count copies")
            .expect("a row");
        let n: i64 = row.try_get("", "n").expect("n");
        let bad: i64 = row.try_get("", "bad").expect("bad");
        if bad > 0 {
            let rows = app
                .db
                .query_all_raw(Statement::from_string(
                    app.backend(),
                    format!(
                        "SELECT e.{col} AS id, e.{copy} AS copy, k.slug AS slug FROM {table} e \
                         JOIN {node} k ON k.id = e.{col} WHERE e.{copy} <> k.slug LIMIT 3"
                    ),
                ))
                .await
                .expect("rows out of step");
            for r in rows {
                let id: i64 = r.try_get("", "id").expect("id");
                let kept: String = r.try_get("", "copy").expect("copy");
                let slug: String = r.try_get("", "slug").expect("slug");
                eprintln!("{table}.{copy}: node {id} has slug {slug:?}, copy {kept:?}");
            }
        }
        out.push((format!("{table}.{copy}"), n, bad));
    }
    out
}

fn assert_in_step(engine: Engine, when: &str, counts: &[(String, i64, i64)]) {
    for (copy, n, bad) in counts {
        assert_eq!(
            *bad, 0,
            "[{engine:?}] {when}: {bad} of {n} rows of {copy} out of step"
        );
    }
}

#[tokio::test]
async fn edge_sort_copies_follow_imports_renames_and_moved_edges() {
    // Nested pages are ordered by the edge tables' copies of their nodes' slugs: every writer
    // (seed, import, curator, a merge moving edges) must leave them equal to the slugs.
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let counts = copies_out_of_step(&app).await;
        assert_in_step(engine, "after seed and import", &counts);
        for table in [
            "role_skill.skill_slug",
            "skill_broader.broader_slug",
            "framework_skill.skill_slug",
        ] {
            let n = counts
                .iter()
                .find(|c| c.0 == table)
                .map(|c| c.1)
                .unwrap_or(0);
            assert!(n > 0, "[{engine:?}] no rows in {table}: {counts:?}");
        }

        // A renamed skill moves to its new place in every role's page.
        let q = r#"{ role(by: { slug: "backend-developer" }) { skills(first: 100) { nodes { slug } } } }"#;
        let before = crate::helpers::slugs(&app.data(q, json!({})).await["role"]["skills"]);
        assert!(
            before.len() > 2 && before.len() < 100,
            "[{engine:?}] {before:?}"
        );
        let first = before[0].clone();
        app.admin_ok(
            &format!(
                r#"mutation {{ updateSkill(skill: {{ slug: "{first}" }}, input: {{ slug: "zzz-{first}" }}) {{ skill {{ slug }} userErrors {{ code message }} }} }}"#
            ),
            json!({}),
        )
        .await;
        let after = crate::helpers::slugs(&app.data(q, json!({})).await["role"]["skills"]);
        let mut want: Vec<String> = before[1..].to_vec();
        want.push(format!("zzz-{first}"));
        assert_eq!(after, want, "[{engine:?}]");
        assert_in_step(engine, "after a rename", &copies_out_of_step(&app).await);

        // An edge moved to another node (as an import's merge does) takes that node's slug.
        app.db
            .execute_raw(Statement::from_string(
                app.backend(),
                "UPDATE role_skill SET skill_id = (SELECT MAX(id) FROM skill) \
                 WHERE role_id = (SELECT MIN(role_id) FROM role_skill) \
                 AND skill_id = (SELECT MIN(skill_id) FROM role_skill WHERE role_id = (SELECT MIN(role_id) FROM role_skill)) \
                 AND NOT EXISTS (SELECT 1 FROM role_skill x WHERE x.role_id = role_skill.role_id AND x.skill_id = (SELECT MAX(id) FROM skill))",
            ))
            .await
            .expect("move an edge");
        assert_in_step(
            engine,
            "after moving an edge",
            &copies_out_of_step(&app).await,
        );
        app.cleanup().await;
    }
}

/// The columns of index `name`, in order.
async fn index_columns(app: &TestApp, name: &str) -> Vec<String> {
    let (backend, sql) = match app.engine {
        Engine::Sqlite => (
            DbBackend::Sqlite,
            format!("SELECT name AS col FROM pragma_index_info('{name}') ORDER BY seqno"),
        ),
        Engine::Postgres => (
            DbBackend::Postgres,
            format!(
                "SELECT a.attname AS col FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) \
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                 WHERE c.relname = '{name}' ORDER BY k.n"
            ),
        ),
    };
    app.db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("index columns")
        .iter()
        .map(|r| r.try_get::<String>("", "col").expect("column name"))
        .collect()
}

#[tokio::test]
async fn role_pages_are_read_from_indexes_that_hold_the_importance() {
    use migration::{Migrator, MigratorTrait};
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        // Migration `m20261203_010001` widens the page indexes of role_skill and role_framework.
        let (page, cover) = (
            "idx_role_skill_skill_slug_page",
            "idx_role_skill_skill_slug_cover",
        );
        let widened = ["role_id", "skill_slug", "skill_id", "importance"];
        assert_eq!(index_columns(&app, cover).await, widened, "[{engine:?}]");
        assert!(index_columns(&app, page).await.is_empty(), "[{engine:?}]");
        assert_eq!(
            index_columns(&app, "idx_role_framework_role_slug_cover").await,
            ["framework_id", "role_slug", "role_id", "importance"],
            "[{engine:?}]"
        );

        // On SQLite, a page of a role's skills with their importance reads no edge row.
        if engine == Engine::Sqlite {
            let plan: Vec<String> = app
                .db
                .query_all_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "EXPLAIN QUERY PLAN SELECT e.skill_id, e.importance FROM json_each('[1,2]') p \
                     JOIN role_skill e ON e.role_id = p.value AND e.skill_slug <= 'm'",
                ))
                .await
                .expect("plan")
                .iter()
                .map(|r| r.try_get::<String>("", "detail").expect("detail"))
                .collect();
            assert!(
                plan.iter()
                    .any(|d| d.contains(&format!("COVERING INDEX {cover}"))),
                "{plan:?}"
            );
        }

        // The migration goes down to the indexes it replaced (with those after it), and up again.
        let steps = Migrator::migrations()
            .iter()
            .rev()
            .position(|m| m.name() == "m20261203_010001_cover_importance_in_pages")
            .map(|p| p as u32 + 1);
        assert!(steps.is_some(), "the migration is listed");
        Migrator::down(&app.db, steps).await.expect("down");
        assert_eq!(
            index_columns(&app, page).await,
            widened[..3],
            "[{engine:?}] after down"
        );
        assert!(index_columns(&app, cover).await.is_empty(), "[{engine:?}]");
        Migrator::up(&app.db, None).await.expect("up");
        assert_eq!(
            index_columns(&app, cover).await,
            widened,
            "[{engine:?}] after up"
        );
        let data = post(&app.router, Q1).await;
        let edge = &data["roles"]["nodes"][0]["skills"]["edges"][0];
        assert!(edge["importance"].is_string(), "[{engine:?}] {edge}");
        app.cleanup().await;
    }
}

/// On SQLite, pages and lookups are read in place (`store::lite`: rusqlite on the thread's own
/// connection instead of sqlx's copies); they are still counted as statements, and they answer
/// as PostgreSQL does over the same imported excerpt.
#[tokio::test]
async fn sqlite_rows_are_read_in_place_counted_and_answer_as_postgres_does() {
    let lookup = r#"{ role(by: { slug: "software-developer" }) { name slug description escoUri iscoCode } }"#;
    let list = "{ skills(first: 10) { nodes { slug name description escoUri } } }";
    let mut answers = Vec::new();
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let before = skillgraph::store::lite::statements_read_in_place();
        app.reset_statements();
        let q1 = post(&app.router, Q1).await;
        let (n, sql) = app.statements();
        assert_eq!(n, 3, "[{engine:?}] {sql:#?}");
        let roles = q1["roles"]["nodes"].as_array().expect("roles");
        assert!(!roles.is_empty(), "[{engine:?}]");
        assert!(
            roles
                .iter()
                .all(|r| r["name"].as_str().is_some_and(|s| !s.is_empty())),
            "[{engine:?}]"
        );
        let one = post(&app.router, lookup).await;
        assert_eq!(
            one["role"]["slug"], "software-developer",
            "[{engine:?}] {one}"
        );
        let page = post(&app.router, list).await;
        assert_eq!(
            page["skills"]["nodes"].as_array().map(Vec::len),
            Some(10),
            "[{engine:?}]"
        );
        let read = skillgraph::store::lite::statements_read_in_place() - before;
        if engine == Engine::Sqlite {
            // Q1's three statements, the lookup and the list page (other tests only add).
            assert!(read >= 5, "{read} statements read in place");
        }
        answers.push((engine, [q1, one, page]));
        app.cleanup().await;
    }
    if let [(_, sqlite), (_, pg)] = answers.as_slice() {
        assert_eq!(sqlite, pg, "SQLite read in place and PostgreSQL disagree");
    }
}
