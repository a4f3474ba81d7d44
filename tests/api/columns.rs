//! Nested pages read only the columns their fields need, decoded by position: whatever a nested
//! selection asks for — one field, all of them, a field outside the per-field column map — its
//! answer is the one the top-level lookup of the same node gives.
use serde_json::{json, Value};

use crate::helpers::{engines, TestApp};

const SKILL_FIELDS: &str = "id slug name kind description escoUri onetName firstReleaseYear \
     license homepage reuseLevel onetElementId createdAt updatedAt source { name }";
const FRAMEWORK_FIELDS: &str = "id slug name description category firstReleaseYear license \
     homepage escoUri onetName createdAt updatedAt language { slug }";
/// `equivalentRoles` is in no column map: a selection with it reads whole rows.
const ROLE_FIELDS: &str = "id slug name description escoUri onetSocCode iscoCode createdAt \
     updatedAt source { name } equivalentRoles { role { slug } }";

/// Every object under `key` in a nested answer (`nodes` lists and `edges { node }`), wherever
/// it is.
fn collect(v: &Value, key: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    match x {
                        Value::Array(items) => {
                            for item in items {
                                out.push(item.get("node").cloned().unwrap_or(item.clone()));
                            }
                        }
                        other => collect(other, key, out),
                    }
                } else {
                    collect(x, key, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect(x, key, out)),
        _ => {}
    }
}

/// Checks each nested node (which must carry its `slug`) against `lookup(by: {slug})` with the
/// same selection; returns how many were checked.
async fn same_as_top_level(app: &TestApp, lookup: &str, fields: &str, nested: &[Value]) -> usize {
    let mut by_slug: Vec<(String, Value)> = nested
        .iter()
        .map(|n| (n["slug"].as_str().expect("slug").to_owned(), n.clone()))
        .collect();
    by_slug.sort_by(|a, b| a.0.cmp(&b.0));
    by_slug.dedup_by(|a, b| a.0 == b.0);
    for chunk in by_slug.chunks(40) {
        let query = chunk
            .iter()
            .enumerate()
            .map(|(i, (slug, _))| format!("n{i}: {lookup}(by: {{slug: {slug:?}}}) {{ {fields} }}"))
            .collect::<Vec<_>>()
            .join(" ");
        let data = app.data(&format!("{{ {query} }}"), json!({})).await;
        for (i, (slug, node)) in chunk.iter().enumerate() {
            assert_eq!(
                &data[format!("n{i}")],
                node,
                "[{:?}] nested {lookup} {slug} differs from the top-level answer",
                app.engine
            );
        }
    }
    by_slug.len()
}

#[tokio::test]
async fn nested_nodes_answer_as_the_top_level_lookup_whatever_they_select() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // Every field, single fields, and fields split over `nodes` and `edges { node }` of
        // the same connection (the page reads the union).
        let mut skill_selections = vec![SKILL_FIELDS.to_owned()];
        for f in [
            "description",
            "homepage",
            "kind",
            "createdAt",
            "source { name }",
        ] {
            skill_selections.push(format!("slug {f}"));
        }
        for fields in &skill_selections {
            let q = format!(
                "{{ frameworks(first: 40) {{ nodes {{ skills(first: 20) {{ nodes {{ {fields} }} }} }} }} \
                   roles(first: 30) {{ nodes {{ skills(first: 20) {{ edges {{ level node {{ {fields} }} }} }} }} }} }}"
            );
            let data = app.data(&q, json!({})).await;
            let mut nested = Vec::new();
            for conn in ["frameworks", "roles"] {
                for parent in data[conn]["nodes"].as_array().expect("parents") {
                    collect(&parent["skills"], "nodes", &mut nested);
                    collect(&parent["skills"], "edges", &mut nested);
                }
            }
            assert!(
                nested.len() > 20,
                "[{engine:?}] {} nested skills",
                nested.len()
            );
            if fields.contains("description") {
                assert!(
                    nested.iter().any(|n| n["description"].is_string()),
                    "[{engine:?}] no nested skill has a description: {nested:?}"
                );
            }
            let checked = same_as_top_level(&app, "skill", fields, &nested).await;
            assert!(checked > 10, "[{engine:?}] {checked} skills checked");
        }

        // Frameworks under skills, and roles (with a field outside the column map) under
        // skills, edges carrying every attribute.
        let q = format!(
            "{{ skills(first: 60) {{ nodes {{ frameworks(first: 10) {{ nodes {{ {FRAMEWORK_FIELDS} }} }} \
               roles(first: 10) {{ edges {{ importance level node {{ {ROLE_FIELDS} }} }} }} }} }} }}"
        );
        let data = app.data(&q, json!({})).await;
        let (mut frameworks, mut roles) = (Vec::new(), Vec::new());
        for s in data["skills"]["nodes"].as_array().expect("skills") {
            collect(&s["frameworks"], "nodes", &mut frameworks);
            collect(&s["roles"], "edges", &mut roles);
        }
        assert!(
            frameworks.iter().any(|f| f["homepage"].is_string()),
            "[{engine:?}] {frameworks:?}"
        );
        assert!(same_as_top_level(&app, "framework", FRAMEWORK_FIELDS, &frameworks).await > 3);
        assert!(same_as_top_level(&app, "role", ROLE_FIELDS, &roles).await > 3);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_field_outside_the_column_map_reads_whole_rows() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let pages = |statements: &[String]| -> Vec<String> {
            statements
                .iter()
                .filter(|s| s.contains("sg_parent") && s.contains("JOIN role n"))
                .cloned()
                .collect()
        };
        // Names only: the role page reads the id and the name.
        app.reset_statements();
        app.data(
            "{ skills(first: 20) { nodes { roles(first: 5) { nodes { name } } } } }",
            json!({}),
        )
        .await;
        let (_, log) = app.statements();
        let narrow = pages(&log);
        assert_eq!(narrow.len(), 1, "[{engine:?}] {log:#?}");
        assert!(
            !narrow[0].contains("n.esco_uri"),
            "[{engine:?}] {}",
            narrow[0]
        );

        // `equivalentRoles` reads columns no map lists: every column of the role.
        app.reset_statements();
        app.data(
            "{ skills(first: 20) { nodes { roles(first: 5) { nodes { name equivalentRoles { role { slug } } } } } } }",
            json!({}),
        )
        .await;
        let (_, log) = app.statements();
        let whole = pages(&log);
        assert_eq!(whole.len(), 1, "[{engine:?}] {log:#?}");
        for col in [
            "description",
            "esco_uri",
            "onet_soc_code",
            "isco_code",
            "created_at",
        ] {
            assert!(
                whole[0].contains(&format!("n.{col}")),
                "[{engine:?}] {col} not read: {}",
                whole[0]
            );
        }
        app.cleanup().await;
    }
}
