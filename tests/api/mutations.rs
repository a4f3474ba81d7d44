use serde_json::{json, Value};
use skillgraph::config::ConfigLayer;

use crate::{
    helpers::{engines, first_code, first_message, slugs, user_errors, TestApp, ADMIN_TOKEN},
    relations::build_graph,
};

const CREATE: &str = "mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { slug name kind aliases { nodes { name } } } userErrors { field code message } } }";

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
        assert_eq!(ok["data"]["createSkill"]["skill"]["slug"], "go");
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
        // Each refusal is a user error with its code and the path to the input at fault.
        let cases: Vec<(&str, Value, &str, Value)> = vec![
            (CREATE, json!({ "i": { "slug": "Not A Slug", "name": "X", "kind": "CONCEPT" } }), "VALIDATION", json!(["input", "slug"])),
            (CREATE, json!({ "i": { "slug": "x", "name": "  ", "kind": "CONCEPT" } }), "VALIDATION", json!(["input", "name"])),
            (CREATE, json!({ "i": { "slug": "x", "name": "X", "kind": "CONCEPT", "aliases": ["ok", ""] } }), "VALIDATION", json!(["input", "aliases", "1"])),
            (CREATE, json!({ "i": { "slug": "python", "name": "Python again", "kind": "LANGUAGE" } }), "CONFLICT", json!(["input", "slug"])),
            (CREATE, json!({ "i": { "slug": "x", "name": "X", "kind": "TOOL", "homepage": "x.org" } }), "VALIDATION", json!(["input", "homepage"])),
            ("mutation { linkRoleSkill(role: { slug: \"backend-developer\" }, skill: { slug: \"orm\" }, importance: ESSENTIAL, level: 6) { role { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["level"])),
            ("mutation { linkRoleSkill(role: { slug: \"nobody\" }, skill: { slug: \"orm\" }, importance: ESSENTIAL, level: 2) { role { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["role"])),
            ("mutation { linkRoleSkill(role: { slug: \"backend-developer\" }, skill: { slug: \"cobol\" }, importance: ESSENTIAL, level: 2) { role { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["skill"])),
            ("mutation { linkRoleSkill(role: { slug: \"backend-developer\" }, skill: { id: \"not-an-id\" }, importance: ESSENTIAL) { role { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["skill"])),
            ("mutation { linkRoleFramework(role: { slug: \"backend-developer\" }, framework: { slug: \"nope\" }, importance: ESSENTIAL) { role { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["framework"])),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: { slug: \"orm\" }, category: ORM }) { framework { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "language"])),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: { slug: \"python\" }, category: ORM, homepage: \"ftp://x\" }) { framework { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "homepage"])),
            ("mutation { createFramework(input: { slug: \"x\", name: \"X\", language: { slug: \"python\" }, category: ORM, firstReleaseYear: 1800 }) { framework { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "firstReleaseYear"])),
            ("mutation { updateFramework(framework: { slug: \"django\" }, input: { language: { slug: \"nope\" } }) { framework { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["input", "language"])),
            ("mutation { deleteSkill(skill: { slug: \"python\" }) { deleted { slug } userErrors { field code message } } }", json!({}), "CONFLICT", json!(["skill"])),
            ("mutation { updateSkill(skill: { slug: \"python\" }, input: { kind: CONCEPT }) { skill { slug } userErrors { field code message } } }", json!({}), "CONFLICT", json!(["input", "kind"])),
            ("mutation { updateSkill(skill: { slug: \"nope\" }, input: { name: \"N\" }) { skill { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["skill"])),
            ("mutation { updateSkill(skill: { slug: \"orm\" }, input: { slug: \"sql\" }) { skill { slug } userErrors { field code message } } }", json!({}), "CONFLICT", json!(["input", "slug"])),
            ("mutation { unlinkFrameworkSkill(framework: { slug: \"django\" }, skill: { slug: \"python\" }) { framework { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["skill"])),
            ("mutation { unlinkRoleSkill(role: { slug: \"backend-developer\" }, skill: { slug: \"orm\" }) { role { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["skill"])),
            ("mutation { removeSkillAlias(skill: { slug: \"python\" }, alias: \"nope\") { skill { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["alias"])),
            ("mutation { addSkillAlias(skill: { slug: \"python\" }, alias: \" \") { skill { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["alias"])),
            ("mutation { linkRelatedSkills(skill: { slug: \"python\" }, related: { slug: \"python\" }) { skill { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["related"])),
            ("mutation { linkBroaderSkill(skill: { slug: \"python\" }, broader: { slug: \"nope\" }) { skill { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["broader"])),
            ("mutation { unlinkPrerequisite(skill: { slug: \"python\" }, prerequisite: { slug: \"sql\" }) { skill { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["prerequisite"])),
            ("mutation { updateRole(role: { slug: \"backend-developer\" }, input: { slug: \"Bad Slug\" }) { role { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "slug"])),
            ("mutation { createRole(input: { slug: \"r\", name: \"R\", onetSocCode: \"123456789012345678901\" }) { role { slug } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "onetSocCode"])),
            ("mutation { deleteRole(role: { slug: \"nope\" }) { deleted { slug } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["role"])),
            ("mutation { upsertJobPosting(input: { source: \"t\", externalId: \"1\", title: \"Dev\", postedDate: \"2026-11-01\", requiredSkills: [{ slug: \"python\" }, { slug: \"nope\" }] }) { jobPosting { title } userErrors { field code message } } }", json!({}), "NOT_FOUND", json!(["input", "requiredSkills", "1"])),
            ("mutation { upsertJobPosting(input: { source: \"t\", externalId: \"1\", title: \"Dev\", postedDate: \"2026-11-01\", salary: { min: 10, currency: \"EURO\" } }) { jobPosting { title } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "salary", "currency"])),
            ("mutation { upsertJobPosting(input: { source: \"t\", externalId: \" \", title: \"Dev\", postedDate: \"2026-11-01\" }) { jobPosting { title } userErrors { field code message } } }", json!({}), "VALIDATION", json!(["input", "externalId"])),
        ];
        for (q, vars, code, field) in &cases {
            let r = app.admin(q, vars.clone()).await;
            assert_eq!(first_code(&r), *code, "[{engine:?}] {q} {vars}: {r}");
            let errs = user_errors(&r);
            assert_eq!(errs.len(), 1, "[{engine:?}] {q}: {r}");
            assert_eq!(&errs[0]["field"], field, "[{engine:?}] {q} {vars}: {r}");
        }
        // The refused skill with a blank alias was not created.
        let d = app.data("{ x: skill(by: { slug: \"x\" }) { slug } frameworks { totalCount } python: skill(by: { slug: \"python\" }) { kind } }", json!({})).await;
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
            r#"mutation { linkPrerequisite(skill: { slug: "python" }, prerequisite: { slug: "orm" }) { skill { slug } userErrors { code message } } }"#,
            json!({}),
        )
        .await;
        let r = app
            .admin(
                r#"mutation { linkPrerequisite(skill: { slug: "sql" }, prerequisite: { slug: "python" }) { skill { slug } userErrors { field code message } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(first_code(&r), "VALIDATION", "[{engine:?}] {r}");
        assert_eq!(
            first_message(&r),
            "prerequisite link would close a cycle: sql → python → orm → sql"
        );
        assert_eq!(user_errors(&r)[0]["field"], json!(["prerequisite"]), "{r}");
        let self_loop = app
            .admin(
                r#"mutation { linkPrerequisite(skill: { slug: "sql" }, prerequisite: { slug: "sql" }) { skill { slug } userErrors { code message } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            first_message(&self_loop),
            "prerequisite link would close a cycle: sql → sql"
        );
        // The broader hierarchy is kept acyclic too.
        let b = app.admin(r#"mutation { linkBroaderSkill(skill: { slug: "databases" }, broader: { slug: "postgresql" }) { skill { slug } userErrors { field code message } } }"#, json!({})).await;
        assert_eq!(
            first_message(&b),
            "broader link would close a cycle: databases → postgresql → databases"
        );
        assert_eq!(user_errors(&b)[0]["field"], json!(["broader"]), "{b}");
        let d = app
            .data(
                r#"{ skill(by: { slug: "sql" }) { prerequisites { totalCount } } }"#,
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
                r#"mutation { updateSkill(skill: { slug: "postgresql" }, input: { name: "PostgreSQL 17", description: "An RDBMS" }) { skill { name description } userErrors { code message } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            u["updateSkill"]["skill"],
            json!({ "name": "PostgreSQL 17", "description": "An RDBMS" })
        );
        let cleared = app
            .admin_ok(r#"mutation { updateSkill(skill: { slug: "postgresql" }, input: { description: null }) { skill { name description } userErrors { code message } } }"#, json!({}))
            .await;
        assert_eq!(
            cleared["updateSkill"]["skill"],
            json!({ "name": "PostgreSQL 17", "description": null })
        );
        let rl = app
            .admin_ok(r#"mutation { linkRoleSkill(role: { slug: "backend-developer" }, skill: { slug: "sql" }, importance: OPTIONAL, level: 5) { role { skills { edges { importance level node { slug } } } } userErrors { code message } } }"#, json!({}))
            .await;
        assert_eq!(
            rl["linkRoleSkill"]["role"]["skills"]["edges"][1],
            json!({ "importance": "OPTIONAL", "level": 5, "node": { "slug": "sql" } })
        );
        app.admin_ok(
            r#"mutation { unlinkRelatedSkills(skill: { slug: "ruby" }, related: { slug: "python" }) { skill { slug } userErrors { code message } } }"#,
            json!({}),
        )
        .await;
        let d = app
            .data(
                r#"{ skill(by: { slug: "python" }) { related { totalCount } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["skill"]["related"]["totalCount"], 0);
        let del = app
            .admin_ok(
                r#"mutation { deleteFramework(framework: { slug: "django" }) { deleted { slug } userErrors { code message } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(del["deleteFramework"]["deleted"]["slug"], "django");
        let del = app
            .admin_ok(
                r#"mutation { deleteSkill(skill: { slug: "sql" }) { deleted { slug } userErrors { code message } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(del["deleteSkill"]["deleted"]["slug"], "sql");
        let d = app
            .data(r#"{ role(by: { slug: "backend-developer" }) { skills { nodes { slug } } frameworks { totalCount } } orm: skill(by: { slug: "orm" }) { prerequisites { totalCount } frameworks { nodes { slug } } } }"#, json!({}))
            .await;
        assert_eq!(slugs(&d["role"]["skills"]), ["python"]);
        assert_eq!(d["role"]["frameworks"]["totalCount"], 0);
        assert_eq!(d["orm"]["prerequisites"]["totalCount"], 0);
        assert_eq!(slugs(&d["orm"]["frameworks"]), ["ruby-on-rails"]);
        app.cleanup().await;
    }
}
