use serde_json::{json, Value};
use skillgraph::config::ConfigLayer;

use crate::{
    helpers::{engines, first_code, slugs, TestApp, ADMIN_TOKEN},
    relations::build_graph,
};

const CREATE: &str = "mutation($i: CreateSkillInput!) { createSkill(input: $i) { slug name kind aliases { nodes { name } } } }";

#[tokio::test]
async fn mutations_need_the_admin_token() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        let input = json!({ "i": { "slug": "go", "name": "Go", "kind": "LANGUAGE" } });
        let none = app.post(CREATE, input.clone(), None).await.json();
        assert_eq!(first_code(&none), "UNAUTHENTICATED", "[{engine:?}] {none}");
        let wrong = app
            .post(CREATE, input.clone(), Some("wrong-token-wrong-token"))
            .await
            .json();
        assert_eq!(first_code(&wrong), "UNAUTHENTICATED");
        let count = app.data("{ skills { totalCount } }", json!({})).await;
        assert_eq!(
            count["skills"]["totalCount"], 0,
            "nothing written without auth"
        );
        let ok = app.post(CREATE, input, Some(ADMIN_TOKEN)).await.json();
        assert_eq!(ok["data"]["createSkill"]["slug"], "go");
        app.cleanup().await;

        // With no token configured at all, every mutation is refused.
        let closed = TestApp::with_config(engine, ConfigLayer::default()).await;
        let r = closed
            .post(
                CREATE,
                json!({ "i": { "slug": "go", "name": "Go", "kind": "LANGUAGE" } }),
                Some(ADMIN_TOKEN),
            )
            .await
            .json();
        assert_eq!(first_code(&r), "UNAUTHENTICATED");
        assert!(r["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("no admin token"));
        closed.cleanup().await;
    }
}

#[tokio::test]
async fn input_is_validated_and_nothing_is_half_written() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        let cases: Vec<(&str, Value, &str)> = vec![
            (CREATE, json!({ "i": { "slug": "Not A Slug", "name": "X", "kind": "CONCEPT" } }), "VALIDATION"),
            (CREATE, json!({ "i": { "slug": "x", "name": "  ", "kind": "CONCEPT" } }), "VALIDATION"),
            (CREATE, json!({ "i": { "slug": "x", "name": "X", "kind": "CONCEPT", "aliases": ["ok", ""] } }), "VALIDATION"),
            (CREATE, json!({ "i": { "slug": "python", "name": "Python again", "kind": "LANGUAGE" } }), "CONFLICT"),
            ("mutation { linkRoleSkill(role: \"backend-developer\", skill: \"orm\", importance: ESSENTIAL, level: 6) { slug } }", json!({}), "VALIDATION"),
            ("mutation { linkRoleSkill(role: \"nobody\", skill: \"orm\", importance: ESSENTIAL, level: 2) { slug } }", json!({}), "NOT_FOUND"),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: \"orm\", category: ORM }) { slug } }", json!({}), "VALIDATION"),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: \"python\", category: ORM, homepage: \"ftp://x\" }) { slug } }", json!({}), "VALIDATION"),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: \"python\", category: ORM, firstReleaseYear: 1800 }) { slug } }", json!({}), "VALIDATION"),
            ("mutation { deleteSkill(skill: \"python\") { slug } }", json!({}), "CONFLICT"),
            ("mutation { updateSkill(skill: \"python\", input: { kind: CONCEPT }) { slug } }", json!({}), "CONFLICT"),
            ("mutation { unlinkFrameworkSkill(framework: \"django\", skill: \"python\") { slug } }", json!({}), "VALIDATION"),
            ("mutation { unlinkRoleSkill(role: \"backend-developer\", skill: \"orm\") { slug } }", json!({}), "NOT_FOUND"),
            ("mutation { removeSkillAlias(skill: \"python\", alias: \"nope\") { slug } }", json!({}), "NOT_FOUND"),
            ("mutation { linkRelatedSkills(skill: \"python\", related: \"python\") { slug } }", json!({}), "VALIDATION"),
            ("mutation { updateRole(role: \"backend-developer\", input: { slug: \"Bad Slug\" }) { slug } }", json!({}), "VALIDATION"),
        ];
        for (q, vars, code) in &cases {
            let r = app.admin(q, vars.clone()).await;
            assert_eq!(first_code(&r), *code, "[{engine:?}] {q} {vars}: {r}");
        }
        // The refused skill with a blank alias was not created.
        let d = app.data("{ x: skill(slug: \"x\") { slug } frameworks { totalCount } python: skill(slug: \"python\") { kind } }", json!({})).await;
        assert_eq!(d["x"], Value::Null);
        assert_eq!(d["frameworks"]["totalCount"], 2);
        assert_eq!(d["python"]["kind"], "LANGUAGE");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn prerequisite_cycles_are_refused_with_the_cycle_named() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        // orm → sql already; postgresql → sql. Close sql → postgresql → ... no; make a real loop:
        app.admin_ok(
            r#"mutation { linkPrerequisite(skill: "python", prerequisite: "orm") { slug } }"#,
            json!({}),
        )
        .await;
        let r = app
            .admin(
                r#"mutation { linkPrerequisite(skill: "sql", prerequisite: "python") { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&r), "VALIDATION", "[{engine:?}] {r}");
        assert_eq!(
            r["errors"][0]["message"],
            "prerequisite link would close a cycle: sql → python → orm → sql"
        );
        let self_loop = app
            .admin(
                r#"mutation { linkPrerequisite(skill: "sql", prerequisite: "sql") { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            self_loop["errors"][0]["message"],
            "prerequisite link would close a cycle: sql → sql"
        );
        // The broader hierarchy is kept acyclic too.
        let b = app.admin(r#"mutation { linkBroaderSkill(skill: "databases", broader: "postgresql") { slug } }"#, json!({})).await;
        assert_eq!(
            b["errors"][0]["message"],
            "broader link would close a cycle: databases → postgresql → databases"
        );
        let d = app
            .data(
                r#"{ skill(slug: "sql") { prerequisites { totalCount } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["skill"]["prerequisites"]["totalCount"], 0);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn update_delete_and_unlink() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        let u = app
            .admin_ok(
                r#"mutation { updateSkill(skill: "postgresql", input: { name: "PostgreSQL 17", description: "An RDBMS" }) { name description } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            u["updateSkill"],
            json!({ "name": "PostgreSQL 17", "description": "An RDBMS" })
        );
        let cleared = app
            .admin_ok(r#"mutation { updateSkill(skill: "postgresql", input: { description: null }) { name description } }"#, json!({}))
            .await;
        assert_eq!(
            cleared["updateSkill"],
            json!({ "name": "PostgreSQL 17", "description": null })
        );
        let rl = app
            .admin_ok(r#"mutation { linkRoleSkill(role: "backend-developer", skill: "sql", importance: OPTIONAL, level: 5) { skills { edges { importance level node { slug } } } } }"#, json!({}))
            .await;
        assert_eq!(
            rl["linkRoleSkill"]["skills"]["edges"][1],
            json!({ "importance": "OPTIONAL", "level": 5, "node": { "slug": "sql" } })
        );
        app.admin_ok(
            r#"mutation { unlinkRelatedSkills(skill: "ruby", related: "python") { slug } }"#,
            json!({}),
        )
        .await;
        let d = app
            .data(
                r#"{ skill(slug: "python") { related { totalCount } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["skill"]["related"]["totalCount"], 0);
        let del = app
            .admin_ok(
                r#"mutation { deleteFramework(framework: "django") { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(del["deleteFramework"]["slug"], "django");
        let del = app
            .admin_ok(
                r#"mutation { deleteSkill(skill: "sql") { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(del["deleteSkill"]["slug"], "sql");
        let d = app
            .data(r#"{ role(slug: "backend-developer") { skills { nodes { slug } } frameworks { totalCount } } orm: skill(slug: "orm") { prerequisites { totalCount } frameworks { nodes { slug } } } }"#, json!({}))
            .await;
        assert_eq!(slugs(&d["role"]["skills"]), ["python"]);
        assert_eq!(d["role"]["frameworks"]["totalCount"], 0);
        assert_eq!(d["orm"]["prerequisites"]["totalCount"], 0);
        assert_eq!(slugs(&d["orm"]["frameworks"]), ["ruby-on-rails"]);
        app.cleanup().await;
    }
}
