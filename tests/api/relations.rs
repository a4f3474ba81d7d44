use serde_json::{json, Value};

use crate::helpers::{engines, slugs, TestApp};

/// A small graph built through the curator API.
pub async fn build_graph(app: &TestApp) {
    let skills = [
        ("programming", "Programming", "CONCEPT"),
        ("python", "Python", "LANGUAGE"),
        ("ruby", "Ruby", "LANGUAGE"),
        ("sql", "SQL", "LANGUAGE"),
        ("databases", "Databases", "CONCEPT"),
        ("postgresql", "PostgreSQL", "DATABASE"),
        ("orm", "ORM", "CONCEPT"),
    ];
    for (slug, name, kind) in skills {
        app.admin_ok(
            "mutation($i: CreateSkillInput!) { createSkill(input: $i) { slug } }",
            json!({ "i": { "slug": slug, "name": name, "kind": kind } }),
        )
        .await;
    }
    let m = r#"mutation {
      a1: addSkillAlias(skill: "postgresql", alias: "postgres") { slug }
      a2: addSkillAlias(skill: "postgresql", alias: "pg") { slug }
      b1: linkBroaderSkill(skill: "postgresql", broader: "databases") { slug }
      b2: linkBroaderSkill(skill: "sql", broader: "databases") { slug }
      b3: linkBroaderSkill(skill: "python", broader: "programming") { slug }
      p1: linkPrerequisite(skill: "python", prerequisite: "programming") { slug }
      p2: linkPrerequisite(skill: "orm", prerequisite: "sql") { slug }
      p3: linkPrerequisite(skill: "postgresql", prerequisite: "sql") { slug }
      r1: linkRelatedSkills(skill: "python", related: "ruby") { slug }
      f1: createFramework(input: { slug: "django", name: "Django", language: "python", category: WEB_FRAMEWORK, firstReleaseYear: 2005, license: "BSD-3-Clause" }) { slug }
      f2: createFramework(input: { slug: "ruby-on-rails", name: "Ruby on Rails", language: "ruby", category: WEB_FRAMEWORK, firstReleaseYear: 2004, license: "MIT" }) { slug }
      fs1: linkFrameworkSkill(framework: "django", skill: "orm") { slug }
      fs2: linkFrameworkSkill(framework: "ruby-on-rails", skill: "orm") { slug }
      ro: createRole(input: { slug: "backend-developer", name: "Back-End Developer" }) { slug }
      rs1: linkRoleSkill(role: "backend-developer", skill: "sql", importance: ESSENTIAL, level: 3) { slug }
      rs2: linkRoleSkill(role: "backend-developer", skill: "python", importance: OPTIONAL, level: 2) { slug }
      rf1: linkRoleFramework(role: "backend-developer", framework: "django", importance: OPTIONAL, level: 2) { slug }
    }"#;
    app.admin_ok(m, json!({})).await;
}

fn edges(conn: &Value) -> Vec<(String, String, i64)> {
    conn["edges"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["node"]["slug"].as_str().unwrap_or("").to_owned(),
                        e["importance"].as_str().unwrap_or("").to_owned(),
                        e["level"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_relation_is_navigable_both_ways() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        let d = app
            .data(
                r#"{
                  pg: skill(slug: "postgresql") { aliases { totalCount nodes { name } } broader { nodes { slug } } prerequisites { nodes { slug } } }
                  databases: skill(slug: "databases") { narrower { totalCount nodes { slug } } }
                  sql: skill(slug: "sql") { requiredBy { nodes { slug } } roles { edges { importance level node { slug } } } }
                  python: skill(slug: "python") { related { nodes { slug } } frameworks { nodes { slug } } roles { edges { importance level node { slug } } } }
                  ruby: skill(slug: "ruby") { related { nodes { slug } } }
                  orm: skill(slug: "orm") { frameworks { totalCount nodes { slug } } }
                  django: framework(slug: "django") { language { slug } skills { nodes { slug } } roles { edges { importance level node { slug } } } }
                  role: role(slug: "backend-developer") { skills { totalCount edges { importance level node { slug } } } frameworks { edges { importance level node { slug } } } }
                }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["pg"]["aliases"]["totalCount"], 2);
        assert_eq!(
            d["pg"]["aliases"]["nodes"],
            json!([{ "name": "pg" }, { "name": "postgres" }])
        );
        assert_eq!(slugs(&d["pg"]["broader"]), ["databases"]);
        assert_eq!(slugs(&d["pg"]["prerequisites"]), ["sql"]);
        assert_eq!(slugs(&d["databases"]["narrower"]), ["postgresql", "sql"]);
        assert_eq!(d["databases"]["narrower"]["totalCount"], 2);
        assert_eq!(slugs(&d["sql"]["requiredBy"]), ["orm", "postgresql"]);
        assert_eq!(
            edges(&d["sql"]["roles"]),
            [("backend-developer".into(), "ESSENTIAL".into(), 3)]
        );
        assert_eq!(slugs(&d["python"]["related"]), ["ruby"]);
        assert_eq!(slugs(&d["ruby"]["related"]), ["python"]);
        assert_eq!(slugs(&d["python"]["frameworks"]), ["django"]);
        assert_eq!(
            edges(&d["python"]["roles"]),
            [("backend-developer".into(), "OPTIONAL".into(), 2)]
        );
        assert_eq!(slugs(&d["orm"]["frameworks"]), ["django", "ruby-on-rails"]);
        assert_eq!(d["django"]["language"]["slug"], "python");
        assert_eq!(slugs(&d["django"]["skills"]), ["orm", "python"]);
        assert_eq!(
            edges(&d["django"]["roles"]),
            [("backend-developer".into(), "OPTIONAL".into(), 2)]
        );
        assert_eq!(
            edges(&d["role"]["skills"]),
            [
                ("python".into(), "OPTIONAL".into(), 2),
                ("sql".into(), "ESSENTIAL".into(), 3)
            ]
        );
        assert_eq!(d["role"]["skills"]["totalCount"], 2);
        assert_eq!(
            edges(&d["role"]["frameworks"]),
            [("django".into(), "OPTIONAL".into(), 2)]
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn lookups_by_id_and_slug_agree() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        let d = app.data(r#"{ skill(slug: "python") { id } framework(slug: "django") { id } role(slug: "backend-developer") { id } }"#, json!({})).await;
        let by_id = app
            .data(
                "query($s: ID, $f: ID, $r: ID) { skill(id: $s) { slug } framework(id: $f) { slug } role(id: $r) { slug } }",
                json!({ "s": d["skill"]["id"], "f": d["framework"]["id"], "r": d["role"]["id"] }),
            )
            .await;
        assert_eq!(
            by_id,
            json!({ "skill": { "slug": "python" }, "framework": { "slug": "django" }, "role": { "slug": "backend-developer" } })
        );
        // A framework id is not a skill id.
        let r = app
            .post(
                "query($f: ID) { skill(id: $f) { slug } }",
                json!({ "f": d["framework"]["id"] }),
                None,
            )
            .await
            .json();
        assert_eq!(r["errors"][0]["extensions"]["code"], "VALIDATION");
        let missing = app
            .data(r#"{ skill(slug: "cobol") { slug } }"#, json!({}))
            .await;
        assert_eq!(missing["skill"], Value::Null);
        let filtered = app.data(r#"{ skills(kind: LANGUAGE) { nodes { slug } } frameworks(language: "ruby") { nodes { slug } } }"#, json!({})).await;
        assert_eq!(slugs(&filtered["skills"]), ["python", "ruby", "sql"]);
        assert_eq!(slugs(&filtered["frameworks"]), ["ruby-on-rails"]);
        app.cleanup().await;
    }
}
