//! Nested pages come in bytewise order of their nodes' slugs (then id), forwards and backwards,
//! on both engines; on PostgreSQL the page statement does not sort its whole result (the rows
//! of each parent are ordered by the server: `store::edges::in_page_order`).
use std::collections::{BTreeMap, HashMap};

use crate::helpers::{engines, send_to, Engine, TestApp};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};

/// Each role's skill slugs, read straight from the tables and sorted bytewise here.
async fn skills_by_role(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.backend(),
            "SELECT r.slug AS role, s.slug AS skill FROM role_skill e \
             JOIN role r ON r.id = e.role_id JOIN skill s ON s.id = e.skill_id",
        ))
        .await
        .expect("role skills");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let role: String = row.try_get("", "role").expect("role");
        let skill: String = row.try_get("", "skill").expect("skill");
        out.entry(role).or_default().push(skill);
    }
    for skills in out.values_mut() {
        skills.sort();
    }
    out
}

fn edge_slugs(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["node"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const PAGES: &str = "query($after: String) { roles(first: 100) { nodes { slug \
    head: skills(first: 6) { edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage } } \
    tail: skills(last: 4) { edges { node { slug } } pageInfo { hasNextPage hasPreviousPage } } \
    next: skills(first: 3, after: $after) { edges { node { slug } } } } } }";

#[tokio::test]
async fn nested_pages_follow_bytewise_slug_order_both_ways() {
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let expected = skills_by_role(&app).await;
        // The data has teeth: some role's skills sort differently when punctuation is ignored
        // (as a locale's collation does), so a page ordered any other way than bytewise fails.
        let loose = |s: &String| s.replace('-', "");
        assert!(
            expected.values().any(|v| {
                let mut l = v.clone();
                l.sort_by_key(loose);
                l != *v
            }),
            "[{engine:?}] no role whose skills a locale would order differently"
        );
        let (role, skills) = expected
            .iter()
            .find(|(_, v)| v.len() >= 8)
            .expect("a role with 8 skills");
        // A cursor from one role's first page, used for every role of the batch.
        let first = app
            .data(
                "query($r: String!) { role(by: { slug: $r }) { skills(first: 4) { edges { cursor node { slug } } } } }",
                json!({ "r": role }),
            )
            .await;
        let edges = first["role"]["skills"]["edges"].as_array().expect("edges");
        assert_eq!(edge_slugs(&first["role"]["skills"]), skills[..4].to_vec());
        let after = edges[3]["cursor"].as_str().expect("cursor").to_owned();
        let cut = skills[3].clone();

        let data = app.data(PAGES, json!({ "after": after })).await;
        let roles = data["roles"]["nodes"].as_array().expect("roles");
        let mut checked = 0;
        for r in roles {
            let slug = r["slug"].as_str().expect("slug");
            let all = expected.get(slug).cloned().unwrap_or_default();
            let head: Vec<String> = all.iter().take(6).cloned().collect();
            let tail: Vec<String> = all[all.len().saturating_sub(4)..].to_vec();
            let next: Vec<String> = all
                .iter()
                .filter(|s| s.as_bytes() > cut.as_bytes())
                .take(3)
                .cloned()
                .collect();
            assert_eq!(edge_slugs(&r["head"]), head, "[{engine:?}] {slug} first 6");
            assert_eq!(edge_slugs(&r["tail"]), tail, "[{engine:?}] {slug} last 4");
            assert_eq!(edge_slugs(&r["next"]), next, "[{engine:?}] {slug} after");
            assert_eq!(r["head"]["pageInfo"]["hasNextPage"], all.len() > 6);
            assert_eq!(r["tail"]["pageInfo"]["hasPreviousPage"], all.len() > 4);
            checked += usize::from(all.len() > 1);
        }
        assert!(
            checked > 5,
            "[{engine:?}] only {checked} roles with 2+ skills"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn postgres_nested_page_statement_does_not_sort_its_whole_result() {
    // Sorting the wide output rows cost PostgreSQL more than the rest of the statement (17.6 of
    // 32.4 million instructions for Q1's role → skills page on the real data).
    for engine in engines() {
        if engine != Engine::Postgres {
            continue;
        }
        let app = TestApp::with_esco_fixture(engine).await;
        let (router, conn, seen) = app.fresh_app(2).await;
        let body = json!({ "query": "{ roles(first: 20) { nodes { skills(last: 5) { edges { importance node { name broader(first: 2) { nodes { name } } } } } } } }" });
        let req = axum::http::Request::post("/graphql")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .expect("request");
        let resp = send_to(&router, req).await;
        assert_eq!(resp.status, 200);
        assert!(resp.json().get("errors").is_none(), "{}", resp.json());
        let statements = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let nested: Vec<&Statement> = statements
            .iter()
            .filter(|s| s.sql.contains("unnest("))
            .collect();
        assert_eq!(nested.len(), 2, "{statements:#?}");
        let mut tops: HashMap<String, String> = HashMap::new();
        for s in nested {
            let explain = Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!("EXPLAIN (COSTS OFF) {}", s.sql),
                s.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let rows = app.db.query_all_raw(explain).await.expect("EXPLAIN");
            let top: String = rows
                .first()
                .and_then(|r| r.try_get_by_index::<String>(0).ok())
                .expect("a plan");
            assert!(
                !top.trim_start().starts_with("Sort") && !top.contains("Incremental Sort"),
                "a nested page sorts its whole result: {top}\n{}",
                s.sql
            );
            tops.insert(s.sql.clone(), top);
        }
        eprintln!("[{engine:?}] nested page plans: {:?}", tops.values());
        conn.close().await.ok();
        app.cleanup().await;
    }
}
