//! Every paths root field on a graph with the fixture imports (ESCO and O*NET excerpts): the
//! imported role edges carry no level, and the answers must still come back, with that null
//! level shown rather than invented.
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use skillgraph::import::{self, ImportOptions};

use crate::helpers::{engines, r, rs, TestApp};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

/// A fresh database with the catalog and both fixture imports.
pub async fn imported(engine: crate::helpers::Engine) -> TestApp {
    let app = TestApp::spawn(engine).await;
    let esco = ImportOptions {
        release: Some("1.1.1".into()),
        progress: false,
    };
    import::esco::import(&app.db, &fixture("esco/v1.1.1"), &esco)
        .await
        .map_err(|e| e.detail())
        .expect("ESCO import");
    import::onet::import(&app.db, &fixture("onet/29.3"), &ImportOptions::default())
        .await
        .map_err(|e| e.detail())
        .expect("O*NET import");
    app
}

fn step_slugs(path: &Value) -> Vec<String> {
    path["steps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["skill"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const PATH: &str = r#"query($role: RoleRef!, $known: [PathNodeRef!]) {
  learningPath(target: { role: $role }, known: $known) {
    steps { position skill { slug } requirement importance level reason }
    satisfied { slug }
  }
}"#;

const GAP: &str = r#"query($role: RoleRef!, $known: [PathNodeRef!]) {
  skillGap(role: $role, known: $known) {
    essential { required covered missing percent }
    optional { required covered missing percent }
    missingEssential { skill { slug } level demand }
    missingOptional { skill { slug } level demand }
    frameworks { framework { slug } importance level skills covered percent }
  }
}"#;

#[tokio::test]
async fn every_paths_field_answers_on_an_imported_graph() {
    for engine in engines() {
        let app = imported(engine).await;

        // An O*NET occupation: every requirement came from the import, none has a level.
        let d = app
            .data(
                PATH,
                json!({ "role": {"slug": "computer-systems-analysts"}, "known": [] }),
            )
            .await;
        let steps = d["learningPath"]["steps"].as_array().expect("steps");
        assert!(!steps.is_empty(), "[{engine:?}] {d}");
        let reqs: Vec<&Value> = steps
            .iter()
            .filter(|s| s["requirement"] == json!(true))
            .collect();
        assert!(!reqs.is_empty(), "[{engine:?}] {d}");
        for s in &reqs {
            assert_eq!(s["level"], Value::Null, "[{engine:?}] {s}");
            assert_eq!(s["importance"], "OPTIONAL", "[{engine:?}] {s}");
            let reason = s["reason"].as_str().unwrap_or("");
            assert!(
                reason.starts_with("Optional for Computer Systems Analysts"),
                "[{engine:?}] {reason}"
            );
            assert!(!reason.contains("level"), "[{engine:?}] {reason}");
        }
        // Knowing a requirement takes it out of the steps and into `satisfied`.
        let all = step_slugs(&d["learningPath"]);
        let first_req = reqs[0]["skill"]["slug"].as_str().expect("slug").to_owned();
        let d = app
            .data(
                PATH,
                json!({ "role": {"slug": "computer-systems-analysts"}, "known": rs(&[&first_req]) }),
            )
            .await;
        let fewer = step_slugs(&d["learningPath"]);
        assert!(!fewer.contains(&first_req), "[{engine:?}] {fewer:?}");
        assert!(fewer.len() < all.len(), "[{engine:?}] {fewer:?} vs {all:?}");
        assert!(
            d["learningPath"]["satisfied"]
                .as_array()
                .is_some_and(|a| a.iter().any(|s| s["slug"] == json!(first_req))),
            "[{engine:?}] {d}"
        );

        // An ESCO occupation, and the curated role the imports enriched.
        for role in ["software-analyst", "backend-developer"] {
            let d = app
                .data(PATH, json!({ "role": r(&role), "known": rs(&["python"]) }))
                .await;
            let slugs = step_slugs(&d["learningPath"]);
            assert!(!slugs.is_empty(), "[{engine:?}] {role}: {d}");
            assert!(!slugs.contains(&"python".to_owned()), "[{engine:?}] {role}");
        }

        // skillGap: levels null on imported edges, counted all the same.
        let d = app
            .data(
                GAP,
                json!({ "role": {"slug": "computer-systems-analysts"}, "known": rs(&["python"]) }),
            )
            .await;
        let g = &d["skillGap"];
        let opt = &g["optional"];
        assert!(
            opt["required"].as_i64().unwrap_or(0) > 0,
            "[{engine:?}] {g}"
        );
        assert_eq!(
            opt["required"].as_i64().unwrap_or(-1),
            opt["covered"].as_i64().unwrap_or(0) + opt["missing"].as_i64().unwrap_or(0)
        );
        for m in g["missingOptional"].as_array().expect("missing") {
            assert_eq!(m["level"], Value::Null, "[{engine:?}] {m}");
        }
        let fws = g["frameworks"].as_array().expect("frameworks");
        let django = fws
            .iter()
            .find(|f| f["framework"]["slug"] == "django")
            .unwrap_or_else(|| panic!("[{engine:?}] no django in {g}"));
        assert_eq!(django["level"], Value::Null, "[{engine:?}] {django}");
        // Python is Django's language: known, so covered.
        assert!(
            django["covered"].as_i64().unwrap_or(0) >= 1,
            "[{engine:?}] {django}"
        );
        for role in ["software-analyst", "backend-developer"] {
            let d = app
                .data(GAP, json!({ "role": r(&role), "known": rs(&["python"]) }))
                .await;
            assert!(
                d["skillGap"]["essential"]["required"].as_i64().is_some(),
                "[{engine:?}] {role}: {d}"
            );
        }

        // relatedSkills and skillPath, on a catalog skill and an imported one.
        let d = app
            .data(
                r#"{ relatedSkills(skill: { slug: "python" }, first: 5) { skill { slug } score } }"#,
                json!({}),
            )
            .await;
        assert!(
            !d["relatedSkills"].as_array().expect("list").is_empty(),
            "[{engine:?}] {d}"
        );
        let d = app
            .data(
                r#"{ relatedSkills(skill: { slug: "atlassian-jira" }, first: 5) { skill { slug } score } }"#,
                json!({}),
            )
            .await;
        assert!(d["relatedSkills"].is_array(), "[{engine:?}] {d}");
        let d = app
            .data(
                r#"{ skillPath(from: { slug: "python" }, to: { slug: "programming-languages" }) { length hops { from { slug } to { slug } link } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["skillPath"]["length"], 1, "[{engine:?}] {d}");
        assert_eq!(
            d["skillPath"]["hops"][0]["link"], "BROADER",
            "[{engine:?}] {d}"
        );
        app.cleanup().await;
    }
}
