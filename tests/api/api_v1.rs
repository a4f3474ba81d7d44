//! The API v1 conventions at work (issue #14): one way to name an entity, search as a
//! connection, mutation payloads with `userErrors`, offsets in both units, salary bounds within
//! one currency, role aliases and related roles.
use serde_json::{json, Value};

use crate::helpers::{engines, first_code, user_errors, TestApp};

#[tokio::test]
async fn an_entity_is_named_by_its_ref_by_id_or_by_slug() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                r#"{ skill(by: { slug: "python" }) { id slug } }"#,
                json!({}),
            )
            .await;
        let id = d["skill"]["id"].as_str().unwrap_or("").to_owned();
        let by_id = app
            .data(
                "query($id: ID!) { skill(by: { id: $id }) { slug } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(by_id["skill"]["slug"], "python", "[{engine:?}]");
        let missing = app
            .data(
                r#"{ skill(by: { slug: "no-such-skill" }) { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(missing["skill"], Value::Null);
        // Neither or both: refused by validation, before anything runs.
        for q in [
            "{ skill(by: {}) { slug } }",
            r#"{ skill(by: { slug: "python", id: "x" }) { slug } }"#,
        ] {
            let r = app.post(q, json!({}), None).await;
            let v = r.json();
            assert_eq!(r.status, 400, "[{engine:?}] {q}: {v}");
            assert!(v.get("data").is_none(), "[{engine:?}] {v}");
        }
        // A role's id is not a skill's.
        let role = app
            .data(
                r#"{ role(by: { slug: "backend-developer" }) { id } }"#,
                json!({}),
            )
            .await;
        let r = app
            .post(
                "query($id: ID!) { skill(by: { id: $id }) { slug } }",
                json!({ "id": role["role"]["id"] }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "VALIDATION", "[{engine:?}] {r}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn search_is_a_connection_with_scores_on_edges() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let q = r#"query($after: String) { search(query: "java", first: 2, after: $after) {
            totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
            edges { cursor score matchedLabel node { ... on Skill { slug } ... on Framework { slug } ... on Role { slug } } }
            nodes { __typename }
        } }"#;
        let first = app.data(q, json!({})).await["search"].clone();
        let total = first["totalCount"].as_i64().unwrap_or(0);
        assert!(total > 2, "[{engine:?}] {first}");
        let edges = first["edges"].as_array().cloned().unwrap_or_default();
        assert_eq!(edges.len(), 2, "[{engine:?}] {first}");
        assert_eq!(first["nodes"].as_array().map(Vec::len), Some(2));
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
        let scores: Vec<f64> = edges.iter().filter_map(|e| e["score"].as_f64()).collect();
        assert!(scores[0] >= scores[1], "best first: {scores:?}");
        // The next page continues the ranking: no repeats, scores do not go up.
        let second = app
            .data(q, json!({ "after": first["pageInfo"]["endCursor"] }))
            .await["search"]
            .clone();
        assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
        let next = second["edges"].as_array().cloned().unwrap_or_default();
        assert!(!next.is_empty(), "[{engine:?}] {second}");
        assert!(next[0]["score"].as_f64().unwrap_or(2.0) <= scores[1]);
        let slug = |e: &Value| e["node"]["slug"].as_str().unwrap_or("").to_owned();
        assert!(next
            .iter()
            .all(|n| edges.iter().all(|e| slug(e) != slug(n))));
        // Walking to the end visits totalCount results.
        let mut seen = edges.len() + next.len();
        let mut after = second["pageInfo"]["endCursor"].clone();
        let mut more = second["pageInfo"]["hasNextPage"] == true;
        while more {
            let p = app.data(q, json!({ "after": after })).await["search"].clone();
            seen += p["edges"].as_array().map(Vec::len).unwrap_or(0);
            after = p["pageInfo"]["endCursor"].clone();
            more = p["pageInfo"]["hasNextPage"] == true;
        }
        assert_eq!(seen as i64, total, "[{engine:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn mutations_return_payloads_with_user_errors() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let q = r#"mutation { createSkill(input: { slug: "python", name: "Python again", kind: LANGUAGE }) {
            skill { slug } userErrors { field code message } } }"#;
        let v = app.admin(q, json!({})).await;
        assert!(v.get("errors").is_none(), "[{engine:?}] {v}");
        assert_eq!(v["data"]["createSkill"]["skill"], Value::Null);
        let errs = user_errors(&v);
        assert_eq!(errs.len(), 1, "[{engine:?}] {v}");
        assert_eq!(errs[0]["code"], "CONFLICT");
        assert_eq!(errs[0]["field"], json!(["input", "slug"]));
        assert!(errs[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
        // A name that does not exist is a user error too.
        let v = app
            .admin(
                r#"mutation { addSkillAlias(skill: { slug: "nope" }, alias: "x") { skill { slug } userErrors { code } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            v["data"]["addSkillAlias"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );
        // No token: a top-level error, not a user error.
        let r = app.post(q, json!({}), None).await.json();
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{r}"
        );
        let ok = app
            .admin_ok(
                r#"mutation { createSkill(input: { slug: "pony-lang", name: "Pony", kind: LANGUAGE }) { skill { slug kind } userErrors { code } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            ok["createSkill"],
            json!({ "skill": { "slug": "pony-lang", "kind": "LANGUAGE" }, "userErrors": [] })
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn role_aliases_related_roles_and_null_levels_are_writable() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let a = app
            .admin_ok(
                r#"mutation { addRoleAlias(role: { slug: "backend-developer" }, alias: "Server-side engineer") {
                    role { aliases(first: 100) { nodes { name } } } } }"#,
                json!({}),
            )
            .await;
        let names: Vec<&str> = a["addRoleAlias"]["role"]["aliases"]["nodes"]
            .as_array()
            .map(|v| v.iter().filter_map(|n| n["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            names.contains(&"Server-side engineer"),
            "[{engine:?}] {names:?}"
        );
        let l = app
            .admin_ok(
                r#"mutation { linkRelatedRoles(role: { slug: "backend-developer" }, related: { slug: "data-engineer" }) {
                    role { related { nodes { slug } } } related { slug } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(l["linkRelatedRoles"]["related"]["slug"], "data-engineer");
        assert!(l["linkRelatedRoles"]["role"]["related"]["nodes"]
            .as_array()
            .is_some_and(|v| v.iter().any(|n| n["slug"] == "data-engineer")));
        let self_link = app
            .admin(
                r#"mutation { linkRelatedRoles(role: { slug: "backend-developer" }, related: { slug: "backend-developer" }) { userErrors { field code } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&self_link), "VALIDATION");
        assert_eq!(user_errors(&self_link)[0]["field"], json!(["related"]));
        app.admin_ok(
            r#"mutation { unlinkRelatedRoles(role: { slug: "backend-developer" }, related: { slug: "data-engineer" }) { role { slug } } }"#,
            json!({}),
        )
        .await;
        let gone = app
            .admin(
                r#"mutation { unlinkRelatedRoles(role: { slug: "backend-developer" }, related: { slug: "data-engineer" }) { userErrors { field code } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&gone), "NOT_FOUND");
        assert_eq!(user_errors(&gone)[0]["field"], json!(["related"]));
        // A requirement with no level, as imported edges have.
        let n = app
            .admin_ok(
                r#"mutation { linkRoleSkill(role: { slug: "backend-developer" }, skill: { slug: "python" }, importance: OPTIONAL, level: null) {
                    role { skills(first: 100) { edges { importance level node { slug } } } } } }"#,
                json!({}),
            )
            .await;
        let edge = n["linkRoleSkill"]["role"]["skills"]["edges"]
            .as_array()
            .and_then(|v| v.iter().find(|e| e["node"]["slug"] == "python").cloned())
            .unwrap_or_default();
        assert_eq!(edge["importance"], "OPTIONAL", "[{engine:?}] {n}");
        assert_eq!(edge["level"], Value::Null, "[{engine:?}] {n}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn extracted_spans_are_given_in_scalars_and_utf16() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // "😀" is one scalar value and two UTF-16 code units.
        let text = "😀 We use Python and Django";
        let d = app
            .data(
                "query($t: String!) { extractSkills(text: $t) { text start end startUtf16 endUtf16 node { __typename slug } } }",
                json!({ "t": text }),
            )
            .await;
        let m = d["extractSkills"].as_array().cloned().unwrap_or_default();
        let py = m.iter().find(|m| m["node"]["slug"] == "python").cloned();
        let py = py.unwrap_or_else(|| panic!("[{engine:?}] no python in {d}"));
        assert_eq!(py["text"], "Python");
        assert_eq!(
            (py["start"].as_i64(), py["end"].as_i64()),
            (Some(9), Some(15))
        );
        assert_eq!(
            (py["startUtf16"].as_i64(), py["endUtf16"].as_i64()),
            (Some(10), Some(16))
        );
        let utf16: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16_lossy(&utf16[10..16]), "Python");
        let dj = m.iter().find(|m| m["node"]["slug"] == "django").cloned();
        assert_eq!(
            dj.map(|d| d["node"]["__typename"].clone()),
            Some(json!("Framework")),
            "[{engine:?}] {d}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn salary_bounds_need_a_currency() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let q = "query($f: JobPostingFilter) { jobPostings(filter: $f) { totalCount } }";
        let r = app
            .post(q, json!({ "f": { "salaryMin": 50000 } }), None)
            .await
            .json();
        assert_eq!(first_code(&r), "VALIDATION", "[{engine:?}] {r}");
        let ok = app
            .data(q, json!({ "f": { "salaryMin": 50000, "currency": "EUR" } }))
            .await;
        assert!(ok["jobPostings"]["totalCount"].is_i64());
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_variable_of_the_wrong_shape_inside_an_input_is_bad_user_input() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // A bare slug where a `SkillRef` goes, inside a list inside an input object, and inside
        // a list argument: coerced when the field runs, so not a validation error.
        for (q, vars) in [
            (
                "query($f: JobPostingFilter) { jobPostings(filter: $f) { totalCount } }",
                json!({ "f": { "skills": ["python"] } }),
            ),
            (
                "query($k: [PathNodeRef!]) { learningPath(target: { role: { slug: \"backend-developer\" } }, known: $k) { steps { node { slug } } } }",
                json!({ "k": ["python"] }),
            ),
        ] {
            let r = app.post(q, vars, None).await.json();
            assert_eq!(first_code(&r), "BAD_USER_INPUT", "[{engine:?}] {r}");
            let message = r["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("Ref"), "[{engine:?}] {message}");
        }
        app.cleanup().await;
    }
}
