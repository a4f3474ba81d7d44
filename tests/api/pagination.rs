use serde_json::{json, Value};

use crate::helpers::{engines, first_code, slugs, TestApp};

async fn make_skills(app: &TestApp, n: usize) {
    for i in 0..n {
        app.admin_ok(
            "mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { slug } userErrors { code message } } }",
            json!({ "i": { "slug": format!("skill-{i:03}"), "name": format!("Skill {i}"), "kind": "CONCEPT", "aliases": [format!("alias-{i}")] } }),
        )
        .await;
    }
}

#[tokio::test]
async fn top_level_pages_walk_the_whole_list() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        make_skills(&app, 7).await;
        let q = "query($after: String) { skills(first: 3, after: $after) { totalCount edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
        let mut after = Value::Null;
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let d = app.data(q, json!({ "after": after })).await;
            let c = &d["skills"];
            assert_eq!(c["totalCount"], 7);
            assert_eq!(c["pageInfo"]["hasPreviousPage"], json!(pages > 0));
            let e = c["edges"].as_array().cloned().unwrap_or_default();
            assert_eq!(c["pageInfo"]["startCursor"], e[0]["cursor"]);
            assert_eq!(c["pageInfo"]["endCursor"], e[e.len() - 1]["cursor"]);
            seen.extend(
                e.iter()
                    .map(|x| x["node"]["slug"].as_str().unwrap_or("").to_owned()),
            );
            pages += 1;
            if c["pageInfo"]["hasNextPage"] == json!(false) {
                break;
            }
            after = c["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(pages, 3);
        let expected: Vec<String> = (0..7).map(|i| format!("skill-{i:03}")).collect();
        assert_eq!(seen, expected, "[{engine:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nested_pages_are_per_parent() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        make_skills(&app, 5).await;
        app.admin_ok(r#"mutation { a: createRole(input: { slug: "a", name: "A" }) { role { slug } userErrors { code message } } b: createRole(input: { slug: "b", name: "B" }) { role { slug } userErrors { code message } } }"#, json!({})).await;
        for i in 0..5 {
            app.admin_ok(
                "mutation($s: String!) { linkRoleSkill(role: { slug: \"a\" }, skill: { slug: $s }, importance: ESSENTIAL, level: 2) { role { slug } userErrors { code message } } }",
                json!({ "s": format!("skill-{i:03}") }),
            )
            .await;
        }
        app.admin_ok(r#"mutation { linkRoleSkill(role: { slug: "b" }, skill: { slug: "skill-004" }, importance: OPTIONAL, level: 1) { role { slug } userErrors { code message } } }"#, json!({})).await;
        let d = app
            .data("{ roles { nodes { slug skills(first: 2) { totalCount nodes { slug } pageInfo { hasNextPage endCursor } } } } }", json!({}))
            .await;
        let a = &d["roles"]["nodes"][0]["skills"];
        let b = &d["roles"]["nodes"][1]["skills"];
        assert_eq!(slugs(a), ["skill-000", "skill-001"]);
        assert_eq!(a["totalCount"], 5);
        assert_eq!(a["pageInfo"]["hasNextPage"], true);
        assert_eq!(slugs(b), ["skill-004"]);
        assert_eq!(b["totalCount"], 1);
        assert_eq!(b["pageInfo"]["hasNextPage"], false);
        let next = app
            .data("query($c: String) { role(by: { slug: \"a\" }) { skills(first: 2, after: $c) { nodes { slug } pageInfo { hasNextPage hasPreviousPage } } } }", json!({ "c": a["pageInfo"]["endCursor"] }))
            .await;
        assert_eq!(slugs(&next["role"]["skills"]), ["skill-002", "skill-003"]);
        assert_eq!(
            next["role"]["skills"]["pageInfo"],
            json!({ "hasNextPage": true, "hasPreviousPage": true })
        );
        let aliases = app.data(r#"{ skill(by: { slug: "skill-001" }) { aliases(first: 0) { totalCount nodes { name } } } }"#, json!({})).await;
        assert_eq!(
            aliases["skill"]["aliases"],
            json!({ "totalCount": 1, "nodes": [] })
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn page_size_and_cursor_are_checked() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        make_skills(&app, 1).await;
        for q in [
            "{ skills(first: 101) { totalCount } }",
            "{ skills(first: -1) { totalCount } }",
            "{ skills(after: \"not-a-cursor\") { totalCount } }",
            "{ skill(by: { slug: \"skill-000\" }) { aliases(first: 500) { totalCount } } }",
        ] {
            let r = app.post(q, json!({}), None).await.json();
            assert_eq!(first_code(&r), "VALIDATION", "[{engine:?}] {q}: {r}");
        }
        let d = app.data("{ skills { edges { cursor } } }", json!({})).await;
        assert_eq!(d["skills"]["edges"].as_array().map(Vec::len), Some(1));
        app.cleanup().await;
    }
}
