//! Relay pagination both ways, ordering and filters of the top-level lists.
use serde_json::{json, Value};

use crate::{
    helpers::{engines, first_code, slugs, TestApp},
    relations::build_graph,
};

/// Walks a connection to its end with `first`/`after` and back with `last`/`before`.
pub(crate) async fn walk(
    app: &TestApp,
    field: &str,
    args: &str,
    size: usize,
) -> (Vec<String>, Vec<String>) {
    let fwd = format!("query($c: String) {{ {field}({args} first: {size}, after: $c) {{ nodes {{ slug }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}");
    let back = format!("query($c: String) {{ {field}({args} last: {size}, before: $c) {{ nodes {{ slug }} pageInfo {{ hasNextPage hasPreviousPage startCursor }} }} }}");
    let (mut forward, mut cursor, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let d = app.data(&fwd, json!({ "c": cursor })).await;
        let c = &d[field];
        assert_eq!(c["pageInfo"]["hasPreviousPage"], json!(pages > 0));
        forward.extend(slugs(c));
        pages += 1;
        if c["pageInfo"]["hasNextPage"] == json!(false) || pages > 100 {
            break;
        }
        cursor = c["pageInfo"]["endCursor"].clone();
    }
    let (mut backward, mut cursor, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let d = app.data(&back, json!({ "c": cursor })).await;
        let c = &d[field];
        assert_eq!(c["pageInfo"]["hasNextPage"], json!(pages > 0));
        let mut page = slugs(c);
        page.extend(backward);
        backward = page;
        pages += 1;
        if c["pageInfo"]["hasPreviousPage"] == json!(false) || pages > 100 {
            break;
        }
        cursor = c["pageInfo"]["startCursor"].clone();
    }
    (forward, backward)
}

#[tokio::test]
async fn pages_walk_both_ways_in_every_order() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let all: Vec<String> = {
            let d = app
                .data(
                    "{ skills(first: 100) { totalCount nodes { slug } } }",
                    json!({}),
                )
                .await;
            let mut v = slugs(&d["skills"]);
            let more = app
                .data(
                    "query($c: String) { skills(first: 100, after: $c) { nodes { slug } } }",
                    json!({ "c": null }),
                )
                .await;
            assert_eq!(slugs(&more["skills"]).len(), v.len());
            v.sort();
            v
        };
        for args in [
            "",
            "orderBy: { field: NAME },",
            "orderBy: { field: NAME, direction: DESC },",
            "orderBy: { field: CREATED, direction: DESC },",
            "orderBy: { field: POPULARITY, direction: DESC },",
            "filter: { kind: [LANGUAGE] }, orderBy: { field: POPULARITY },",
        ] {
            let (fwd, back) = walk(&app, "skills", args, 7).await;
            assert_eq!(
                fwd, back,
                "[{engine:?}] {args}: forward and backward walks differ"
            );
            let mut set = fwd.clone();
            set.sort();
            set.dedup();
            assert_eq!(set.len(), fwd.len(), "[{engine:?}] {args}: duplicates");
            if !args.contains("kind") {
                assert!(
                    fwd.len() >= 100,
                    "[{engine:?}] {args}: {} skills walked",
                    fwd.len()
                );
            }
        }
        // Slug order is the default; by the first 100, bytewise.
        let (fwd, _) = walk(&app, "skills", "", 50).await;
        assert_eq!(fwd[..100], all[..100]);
        // Popularity, descending: the most required skill comes first.
        let d = app
            .data("{ skills(first: 3, orderBy: { field: POPULARITY, direction: DESC }) { nodes { slug roles { totalCount } } } }", json!({}))
            .await;
        let counts: Vec<i64> = d["skills"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n["roles"]["totalCount"].as_i64().unwrap_or(-1))
            .collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "[{engine:?}] {counts:?}"
        );
        let (fwd, back) = walk(
            &app,
            "frameworks",
            "orderBy: { field: POPULARITY, direction: DESC },",
            4,
        )
        .await;
        assert_eq!(fwd, back);
        let (fwd, back) = walk(
            &app,
            "roles",
            "orderBy: { field: NAME, direction: DESC },",
            2,
        )
        .await;
        assert_eq!(fwd, back);
        // A cursor of one ordering is refused in another.
        let d = app
            .data(
                "{ skills(first: 1, orderBy: { field: NAME }) { pageInfo { endCursor } } }",
                json!({}),
            )
            .await;
        let r = app
            .post(
                "query($c: String) { skills(first: 1, after: $c) { nodes { slug } } }",
                json!({ "c": d["skills"]["pageInfo"]["endCursor"] }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "VALIDATION");
        for bad in [
            "{ skills(first: 1, last: 1) { totalCount } }",
            "{ roles(orderBy: { field: NAME }, first: 1, before: \"x\") { totalCount } }",
        ] {
            let r = app.post(bad, json!({}), None).await.json();
            assert_eq!(first_code(&r), "VALIDATION", "{bad}: {r}");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn nested_connections_page_backwards() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                r#"{ role(by: { slug: "backend-developer" }) { skills(first: 100) { nodes { slug } } } }"#,
                json!({}),
            )
            .await;
        let all = slugs(&d["role"]["skills"]);
        assert!(all.len() > 10);
        let q = r#"query($c: String) { role(by: { slug: "backend-developer" }) { skills(last: 4, before: $c) { nodes { slug } pageInfo { hasPreviousPage hasNextPage startCursor } } } }"#;
        let (mut back, mut cursor) = (Vec::new(), Value::Null);
        loop {
            let d = app.data(q, json!({ "c": cursor })).await;
            let c = &d["role"]["skills"];
            let mut page = slugs(c);
            page.extend(back);
            back = page;
            if c["pageInfo"]["hasPreviousPage"] == json!(false) {
                break;
            }
            cursor = c["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(back, all, "[{engine:?}]");
        app.cleanup().await;
    }
}

async fn skill_slugs(app: &TestApp, filter: &str) -> Vec<String> {
    let d = app
        .data(
            &format!("{{ skills(filter: {filter}) {{ totalCount nodes {{ slug }} }} }}"),
            json!({}),
        )
        .await;
    let s = slugs(&d["skills"]);
    assert_eq!(
        d["skills"]["totalCount"],
        json!(s.len()),
        "totalCount follows the filter: {filter}"
    );
    s
}

#[tokio::test]
async fn filters_combine() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        app.admin_ok(r#"mutation { updateSkill(skill: { slug: "python" }, input: { escoUri: "http://data.europa.eu/esco/skill/python" }) { skill { slug } userErrors { code message } } }"#, json!({})).await;
        let cases: Vec<(&str, Vec<&str>)> = vec![
            ("{ kind: [LANGUAGE] }", vec!["python", "ruby", "sql"]),
            (
                "{ kind: [DATABASE, CONCEPT] }",
                vec!["databases", "orm", "postgresql", "programming"],
            ),
            ("{ nameContains: \"POSTGRES\" }", vec!["postgresql"]),
            ("{ nameContains: \"pg\" }", vec!["postgresql"]),
            ("{ nameContains: \"%\" }", vec![]),
            ("{ hasEscoUri: true }", vec!["python"]),
            (
                "{ hasEscoUri: false, kind: [LANGUAGE] }",
                vec!["ruby", "sql"],
            ),
            ("{ broader: { slug: \"databases\" } }", vec!["postgresql", "sql"]),
            (
                "{ requiredByRole: { role: { slug: \"backend-developer\" } } }",
                vec!["python", "sql"],
            ),
            (
                "{ requiredByRole: { role: { slug: \"backend-developer\" }, minLevel: 3 } }",
                vec!["sql"],
            ),
            (
                "{ requiredByRole: { role: { slug: \"backend-developer\" }, essentialOnly: true } }",
                vec!["sql"],
            ),
            ("{ usedByFramework: { slug: \"django\" } }", vec!["orm", "python"]),
            (
                "{ or: [{ kind: [DATABASE] }, { usedByFramework: { slug: \"ruby-on-rails\" } }] }",
                vec!["orm", "postgresql", "ruby"],
            ),
            (
                "{ kind: [LANGUAGE], not: { requiredByRole: { role: { slug: \"backend-developer\" } } } }",
                vec!["ruby"],
            ),
            (
                "{ and: [{ broader: { slug: \"databases\" } }, { not: { kind: [LANGUAGE] } }] }",
                vec!["postgresql"],
            ),
            ("{ requiredByRole: { role: { slug: \"nobody\" } } }", vec![]),
        ];
        for (filter, expected) in cases {
            assert_eq!(
                skill_slugs(&app, filter).await,
                expected,
                "[{engine:?}] {filter}"
            );
        }
        // Broader is transitive.
        app.admin_ok(r#"mutation { createSkill(input: { slug: "pg-extensions", name: "PostgreSQL extensions", kind: TOOL }) { skill { slug } userErrors { code message } } linkBroaderSkill(skill: { slug: "pg-extensions" }, broader: { slug: "postgresql" }) { skill { slug } userErrors { code message } } }"#, json!({})).await;
        assert_eq!(
            skill_slugs(&app, "{ broader: { slug: \"databases\" } }").await,
            ["pg-extensions", "postgresql", "sql"]
        );

        let fw = |f: &'static str| {
            let app = &app;
            async move {
                let d = app
                    .data(
                        &format!("{{ frameworks(filter: {f}) {{ totalCount nodes {{ slug }} }} }}"),
                        json!({}),
                    )
                    .await;
                slugs(&d["frameworks"])
            }
        };
        assert_eq!(fw("{ language: [{ slug: \"python\" }] }").await, ["django"]);
        assert_eq!(
            fw("{ category: [WEB_FRAMEWORK], releasedFrom: 2005 }").await,
            ["django"]
        );
        assert_eq!(fw("{ releasedTo: 2004 }").await, ["ruby-on-rails"]);
        assert_eq!(fw("{ license: [\"MIT\"] }").await, ["ruby-on-rails"]);
        assert_eq!(
            fw("{ usesSkill: { slug: \"orm\" }, not: { nameContains: \"rails\" } }").await,
            ["django"]
        );
        assert_eq!(fw("{ or: [] }").await, Vec::<String>::new());

        let roles = app
            .data(r#"{ a: roles(filter: { requiresSkills: [{ slug: "sql" }, { slug: "python" }] }) { nodes { slug } } b: roles(filter: { requiresSkills: [{ slug: "sql" }, { slug: "ruby" }] }) { nodes { slug } } c: roles(filter: { requiresAnySkill: [{ slug: "ruby" }, { slug: "sql" }], usesFramework: { slug: "django" } }) { nodes { slug } } }"#, json!({}))
            .await;
        assert_eq!(slugs(&roles["a"]), ["backend-developer"]);
        assert!(slugs(&roles["b"]).is_empty());
        assert_eq!(slugs(&roles["c"]), ["backend-developer"]);
        app.cleanup().await;
    }
}
