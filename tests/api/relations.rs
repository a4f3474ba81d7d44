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
            "mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { slug } userErrors { code message } } }",
            json!({ "i": { "slug": slug, "name": name, "kind": kind } }),
        )
        .await;
    }
    let m = r#"mutation {
      a1: addSkillAlias(skill: { slug: "postgresql" }, alias: "postgres") { skill { slug } userErrors { code message } }
      a2: addSkillAlias(skill: { slug: "postgresql" }, alias: "pg") { skill { slug } userErrors { code message } }
      b1: linkBroaderSkill(skill: { slug: "postgresql" }, broader: { slug: "databases" }) { skill { slug } userErrors { code message } }
      b2: linkBroaderSkill(skill: { slug: "sql" }, broader: { slug: "databases" }) { skill { slug } userErrors { code message } }
      b3: linkBroaderSkill(skill: { slug: "python" }, broader: { slug: "programming" }) { skill { slug } userErrors { code message } }
      p1: linkPrerequisite(skill: { slug: "python" }, prerequisite: { slug: "programming" }) { skill { slug } userErrors { code message } }
      p2: linkPrerequisite(skill: { slug: "orm" }, prerequisite: { slug: "sql" }) { skill { slug } userErrors { code message } }
      p3: linkPrerequisite(skill: { slug: "postgresql" }, prerequisite: { slug: "sql" }) { skill { slug } userErrors { code message } }
      r1: linkRelatedSkills(skill: { slug: "python" }, related: { slug: "ruby" }) { skill { slug } userErrors { code message } }
      f1: createFramework(input: { slug: "django", name: "Django", language: { slug: "python" }, category: WEB_FRAMEWORK, firstReleaseYear: 2005, license: "BSD-3-Clause" }) { framework { slug } userErrors { code message } }
      f2: createFramework(input: { slug: "ruby-on-rails", name: "Ruby on Rails", language: { slug: "ruby" }, category: WEB_FRAMEWORK, firstReleaseYear: 2004, license: "MIT" }) { framework { slug } userErrors { code message } }
      fs1: linkFrameworkSkill(framework: { slug: "django" }, skill: { slug: "orm" }) { framework { slug } userErrors { code message } }
      fs2: linkFrameworkSkill(framework: { slug: "ruby-on-rails" }, skill: { slug: "orm" }) { framework { slug } userErrors { code message } }
      ro: createRole(input: { slug: "backend-developer", name: "Back-End Developer" }) { role { slug } userErrors { code message } }
      rs1: linkRoleSkill(role: { slug: "backend-developer" }, skill: { slug: "sql" }, importance: ESSENTIAL, level: 3) { role { slug } userErrors { code message } }
      rs2: linkRoleSkill(role: { slug: "backend-developer" }, skill: { slug: "python" }, importance: OPTIONAL, level: 2) { role { slug } userErrors { code message } }
      rf1: linkRoleFramework(role: { slug: "backend-developer" }, framework: { slug: "django" }, importance: OPTIONAL, level: 2) { role { slug } userErrors { code message } }
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
                  pg: skill(by: { slug: "postgresql" }) { aliases { totalCount nodes { name } } broader { nodes { slug } } prerequisites { nodes { slug } } }
                  databases: skill(by: { slug: "databases" }) { narrower { totalCount nodes { slug } } }
                  sql: skill(by: { slug: "sql" }) { requiredBy { nodes { slug } } roles { edges { importance level node { slug } } } }
                  python: skill(by: { slug: "python" }) { related { nodes { slug } } frameworks { nodes { slug } } roles { edges { importance level node { slug } } } }
                  ruby: skill(by: { slug: "ruby" }) { related { nodes { slug } } }
                  orm: skill(by: { slug: "orm" }) { frameworks { totalCount nodes { slug } } }
                  django: framework(by: { slug: "django" }) { language { slug } skills { nodes { slug } } roles { edges { importance level node { slug } } } }
                  role: role(by: { slug: "backend-developer" }) { skills { totalCount edges { importance level node { slug } } } frameworks { edges { importance level node { slug } } } }
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
        let d = app.data(r#"{ skill(by: { slug: "python" }) { id } framework(by: { slug: "django" }) { id } role(by: { slug: "backend-developer" }) { id } }"#, json!({})).await;
        let by_id = app
            .data(
                "query($s: ID, $f: ID, $r: ID) { skill(by: { id: $s }) { slug } framework(by: { id: $f }) { slug } role(by: { id: $r }) { slug } }",
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
                "query($f: ID) { skill(by: { id: $f }) { slug } }",
                json!({ "f": d["framework"]["id"] }),
                None,
            )
            .await
            .json();
        assert_eq!(r["errors"][0]["extensions"]["code"], "VALIDATION");
        let missing = app
            .data(r#"{ skill(by: { slug: "cobol" }) { slug } }"#, json!({}))
            .await;
        assert_eq!(missing["skill"], Value::Null);
        let filtered = app.data(r#"{ skills(filter: { kind: [LANGUAGE] }) { nodes { slug } } frameworks(filter: { language: [{ slug: "ruby" }] }) { nodes { slug } } }"#, json!({})).await;
        assert_eq!(slugs(&filtered["skills"]), ["python", "ruby", "sql"]);
        assert_eq!(slugs(&filtered["frameworks"]), ["ruby-on-rails"]);
        app.cleanup().await;
    }
}

/// The edge of `conn` whose node has `slug`.
fn edge_of<'a>(conn: &'a Value, slug: &str) -> &'a Value {
    conn["edges"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["node"]["slug"] == slug))
        .unwrap_or(&Value::Null)
}

const ROLE_EDGE: &str =
    "cursor importance level hotTechnology inDemand onetImportance onetLevel node { id slug }";

#[tokio::test]
async fn link_payloads_carry_the_edge_the_connection_then_returns() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build_graph(&app).await;
        app.admin_ok(
            r#"mutation { createRole(input: { slug: "data-engineer", name: "Data Engineer" }) { role { slug } userErrors { code message } } }"#,
            json!({}),
        )
        .await;
        let m = format!(
            r#"mutation {{
              rs: linkRoleSkill(role: {{ slug: "backend-developer" }}, skill: {{ slug: "orm" }}, importance: ESSENTIAL, level: 4) {{ role {{ slug }} edge {{ {ROLE_EDGE} }} userErrors {{ code }} }}
              rs2: linkRoleSkill(role: {{ slug: "backend-developer" }}, skill: {{ slug: "sql" }}, importance: OPTIONAL, level: null) {{ edge {{ {ROLE_EDGE} }} userErrors {{ code }} }}
              rf: linkRoleFramework(role: {{ slug: "backend-developer" }}, framework: {{ slug: "ruby-on-rails" }}, importance: OPTIONAL, level: 2) {{ edge {{ {ROLE_EDGE} }} userErrors {{ code }} }}
              fs: linkFrameworkSkill(framework: {{ slug: "django" }}, skill: {{ slug: "sql" }}) {{ edge {{ cursor node {{ id slug }} }} userErrors {{ code }} }}
              br: linkBroaderSkill(skill: {{ slug: "orm" }}, broader: {{ slug: "programming" }}) {{ broader {{ slug }} edge {{ cursor node {{ id slug }} }} userErrors {{ code }} }}
              pr: linkPrerequisite(skill: {{ slug: "ruby" }}, prerequisite: {{ slug: "programming" }}) {{ edge {{ cursor node {{ id slug }} }} userErrors {{ code }} }}
              re: linkRelatedSkills(skill: {{ slug: "sql" }}, related: {{ slug: "postgresql" }}) {{ edge {{ cursor node {{ id slug }} }} userErrors {{ code }} }}
              rr: linkRelatedRoles(role: {{ slug: "backend-developer" }}, related: {{ slug: "data-engineer" }}) {{ edge {{ cursor tier index node {{ id slug }} }} userErrors {{ code }} }}
            }}"#
        );
        let p = app.admin_ok(&m, json!({})).await;
        let q = format!(
            r#"{{
              role: role(by: {{ slug: "backend-developer" }}) {{ skills(first: 100) {{ edges {{ {ROLE_EDGE} }} }} frameworks(first: 100) {{ edges {{ {ROLE_EDGE} }} }} related {{ edges {{ cursor tier index node {{ id slug }} }} }} }}
              de: role(by: {{ slug: "data-engineer" }}) {{ relatedFrom {{ edges {{ cursor tier index node {{ id slug }} }} }} }}
              django: framework(by: {{ slug: "django" }}) {{ skills(first: 100) {{ edges {{ cursor node {{ id slug }} }} }} }}
              orm: skill(by: {{ slug: "orm" }}) {{ broader {{ edges {{ cursor node {{ id slug }} }} }} }}
              ruby: skill(by: {{ slug: "ruby" }}) {{ prerequisites {{ edges {{ cursor node {{ id slug }} }} }} }}
              sql: skill(by: {{ slug: "sql" }}) {{ related {{ edges {{ cursor node {{ id slug }} }} }} }}
            }}"#
        );
        let d = app.data(&q, json!({})).await;
        let pairs = [
            ("rs", &d["role"]["skills"], "orm"),
            ("rs2", &d["role"]["skills"], "sql"),
            ("rf", &d["role"]["frameworks"], "ruby-on-rails"),
            ("fs", &d["django"]["skills"], "sql"),
            ("br", &d["orm"]["broader"], "programming"),
            ("pr", &d["ruby"]["prerequisites"], "programming"),
            ("re", &d["sql"]["related"], "postgresql"),
            ("rr", &d["role"]["related"], "data-engineer"),
        ];
        for (alias, conn, slug) in pairs {
            let edge = &p[alias]["edge"];
            assert_eq!(edge["node"]["slug"], slug, "[{engine:?}] {alias}: {p}");
            assert_eq!(edge, edge_of(conn, slug), "[{engine:?}] {alias}: {d}");
        }
        // The data on the edges is the link's as written.
        assert_eq!(
            (&p["rs"]["edge"]["importance"], &p["rs"]["edge"]["level"]),
            (&json!("ESSENTIAL"), &json!(4))
        );
        assert_eq!(
            (&p["rs2"]["edge"]["importance"], &p["rs2"]["edge"]["level"]),
            (&json!("OPTIONAL"), &Value::Null)
        );
        // A curated related-role link has no O*NET tier; the inverse lists it from the other side.
        assert_eq!(
            (&p["rr"]["edge"]["tier"], &p["rr"]["edge"]["index"]),
            (&Value::Null, &Value::Null)
        );
        let from = edge_of(&d["de"]["relatedFrom"], "backend-developer");
        assert_eq!(from["tier"], Value::Null, "[{engine:?}] {d}");
        assert_eq!(from["node"]["slug"], "backend-developer");
        // The payload's cursor pages like the connection's: after it come the later slugs.
        let after = app
            .data(
                r#"query($c: String) { role(by: { slug: "backend-developer" }) { skills(first: 10, after: $c) { nodes { slug } } } }"#,
                json!({ "c": p["rs"]["edge"]["cursor"] }),
            )
            .await;
        assert_eq!(slugs(&after["role"]["skills"]), ["python", "sql"]);

        // Unlinks give the parent and the id of the node whose edge left its list.
        let u = app
            .admin_ok(
                r#"mutation {
                  rs: unlinkRoleSkill(role: { slug: "backend-developer" }, skill: { slug: "orm" }) { role { slug } removedNodeId userErrors { code } }
                  rf: unlinkRoleFramework(role: { slug: "backend-developer" }, framework: { slug: "ruby-on-rails" }) { removedNodeId userErrors { code } }
                  fs: unlinkFrameworkSkill(framework: { slug: "django" }, skill: { slug: "sql" }) { removedNodeId userErrors { code } }
                  br: unlinkBroaderSkill(skill: { slug: "orm" }, broader: { slug: "programming" }) { removedNodeId userErrors { code } }
                  pr: unlinkPrerequisite(skill: { slug: "ruby" }, prerequisite: { slug: "programming" }) { removedNodeId userErrors { code } }
                  re: unlinkRelatedSkills(skill: { slug: "sql" }, related: { slug: "postgresql" }) { removedNodeId userErrors { code } }
                  rr: unlinkRelatedRoles(role: { slug: "backend-developer" }, related: { slug: "data-engineer" }) { removedNodeId userErrors { code } }
                }"#,
                json!({}),
            )
            .await;
        for (alias, conn, slug) in pairs.iter().filter(|p| p.0 != "rs2") {
            assert_eq!(
                u[*alias]["removedNodeId"],
                edge_of(conn, slug)["node"]["id"],
                "[{engine:?}] {alias}: {u}"
            );
        }
        assert_eq!(u["rs"]["role"]["slug"], "backend-developer");
        let d = app.data(&q, json!({})).await;
        for (alias, conn, slug) in [
            ("rs", &d["role"]["skills"], "orm"),
            ("rf", &d["role"]["frameworks"], "ruby-on-rails"),
            ("fs", &d["django"]["skills"], "sql"),
            ("br", &d["orm"]["broader"], "programming"),
            ("pr", &d["ruby"]["prerequisites"], "programming"),
            ("re", &d["sql"]["related"], "postgresql"),
            ("rr", &d["role"]["related"], "data-engineer"),
        ] {
            assert_eq!(
                edge_of(conn, slug),
                &Value::Null,
                "[{engine:?}] {alias}: {d}"
            );
        }
        app.cleanup().await;
    }
}
