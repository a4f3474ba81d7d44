//! Search, global ids and query cost.
use serde_json::{json, Value};

use crate::helpers::{engines, first_code, TestApp};

const SEARCH: &str = "query($q: String!, $t: [SearchType!], $n: Int!) { search(query: $q, types: $t, first: $n) { edges { score matchedLabel matchedField node { __typename ... on Skill { slug } ... on Framework { slug } ... on Role { slug } } } } }";

async fn top(app: &TestApp, q: &str) -> (String, String, Value) {
    let d = app.data(SEARCH, json!({ "q": q, "t": null, "n": 5 })).await;
    let first = &d["search"]["edges"][0];
    (
        first["node"]["__typename"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        first["node"]["slug"].as_str().unwrap_or("").to_owned(),
        d["search"]["edges"].clone(),
    )
}

#[tokio::test]
async fn search_finds_what_people_type() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (q, ty, slug) in [
            ("djnago", "Framework", "django"),
            ("postgres", "Skill", "postgresql"),
            ("node", "Framework", "node-js"),
            ("ror", "Framework", "ruby-on-rails"),
            ("k8s", "Skill", "kubernetes"),
            ("Spring Boot", "Framework", "spring-boot"),
            ("backend developer", "Role", "backend-developer"),
            ("pyton", "Skill", "python"),
        ] {
            let (t, s, all) = top(&app, q).await;
            assert_eq!(
                (t.as_str(), s.as_str()),
                (ty, slug),
                "[{engine:?}] {q}: {all}"
            );
        }
        let (_, _, all) = top(&app, "postgres").await;
        assert_eq!(all[0]["matchedLabel"], "postgres");
        assert_eq!(all[0]["matchedField"], "ALIAS");
        assert_eq!(all[0]["score"], 0.98);
        let only_roles = app
            .data(SEARCH, json!({ "q": "developer", "t": ["ROLE"], "n": 3 }))
            .await;
        let rows = only_roles["search"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r["node"]["__typename"] == "Role"));
        let scores: Vec<f64> = rows.iter().filter_map(|r| r["score"].as_f64()).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "ranked: {scores:?}"
        );
        let none = app
            .data(SEARCH, json!({ "q": "qqqqqqzzz", "t": null, "n": 5 }))
            .await;
        assert_eq!(none["search"]["edges"], json!([]));

        // The index follows writes, through the database's graph version.
        app.admin_ok(
            r#"mutation { addSkillAlias(skill: { slug: "graphql" }, alias: "gql") { skill { slug } userErrors { code message } } }"#,
            json!({}),
        )
        .await;
        let (t, s, _) = top(&app, "gql").await;
        assert_eq!(
            (t.as_str(), s.as_str()),
            ("Skill", "graphql"),
            "[{engine:?}] new alias found"
        );
        let r = app
            .post(SEARCH, json!({ "q": "x", "t": null, "n": 101 }), None)
            .await
            .json();
        assert_eq!(first_code(&r), "VALIDATION");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nodes_round_trip_by_global_id() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(r#"{ skill(by: { slug: "python" }) { id } framework(by: { slug: "django" }) { id } role(by: { slug: "backend-developer" }) { id } }"#, json!({}))
            .await;
        let ids = json!([
            d["role"]["id"],
            d["skill"]["id"],
            d["framework"]["id"],
            d["skill"]["id"]
        ]);
        app.reset_statements();
        let n = app
            .data(
                "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Skill { slug } ... on Framework { slug } ... on Role { slug } } }",
                json!({ "ids": ids }),
            )
            .await;
        let (count, _) = app.statements();
        assert!(
            count <= 3,
            "[{engine:?}] one statement per type, got {count}"
        );
        let slugs: Vec<&str> = n["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["slug"].as_str())
            .collect();
        assert_eq!(slugs, ["backend-developer", "python", "django", "python"]);
        assert_eq!(n["nodes"][0]["id"], d["role"]["id"]);
        let one = app
            .data(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": d["framework"]["id"] }),
            )
            .await;
        assert_eq!(
            one["node"],
            json!({ "__typename": "Framework", "id": d["framework"]["id"] })
        );
        // A well-formed id of nothing is null; a malformed one is an error.
        let gone = app
            .data("{ node(id: \"U2tpbGw6OTk5OTk5\") { id } }", json!({}))
            .await;
        assert_eq!(gone["node"], Value::Null);
        let bad = app
            .post("{ node(id: \"nope\") { id } }", json!({}), None)
            .await
            .json();
        assert_eq!(first_code(&bad), "VALIDATION");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn every_response_reports_its_cost() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let r = app
            .post("{ skills(first: 10) { nodes { slug } } }", json!({}), None)
            .await
            .json();
        let cost = &r["extensions"]["cost"];
        assert_eq!(cost["limit"], 50_000, "{r}");
        // skills: 1 + 10 × (nodes 1 + slug 1) = 21.
        assert_eq!(cost["requested"], 21, "{r}");
        let r = app.post("{ skills(first: 100) { nodes { roles(first: 100) { nodes { skills(first: 100) { nodes { slug } } } } } } }", json!({}), None).await;
        assert_eq!(r.status, 400);
        let v = r.json();
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("over the limit of 50000"),
            "{v}"
        );
        assert!(v.get("data").is_none());
        app.cleanup().await;
    }
}
