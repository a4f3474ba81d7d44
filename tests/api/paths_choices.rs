//! Choice groups of role requirements ("one server-side language", "one relational database"):
//! learning paths and skill gaps keep what is known of a group, else its most demanded option,
//! on the catalog and on the imported graph.
use serde_json::{json, Value};

use crate::{
    helpers::{engines, r, rs, TestApp},
    paths_imported::imported,
};

const SERVER_LANGUAGES: &[&str] = &[
    "python",
    "java",
    "javascript",
    "typescript",
    "go",
    "c-sharp",
    "php",
    "ruby",
];

const PATH: &str = r#"query($known: [PathNodeRef!]) {
  learningPath(target: { role: { slug: "backend-developer" } }, known: $known) {
    steps { skill { slug } requirement reason }
    satisfied { slug }
  }
}"#;

fn steps(d: &Value) -> Vec<(String, String)> {
    d["learningPath"]["steps"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["skill"]["slug"].as_str().unwrap_or("").to_owned(),
                        s["reason"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn gap(app: &TestApp, known: Value) -> Value {
    app.data(
        r#"query($known: [PathNodeRef!]) { skillGap(role: { slug: "backend-developer" }, known: $known) {
            optional { required covered }
            missingOptional { skill { slug } } } }"#,
        json!({ "known": r(&known) }),
    )
    .await
}

async fn check(app: &TestApp, label: &str) {
    let engine = app.engine;
    // A Python developer: Python settles the language group, no second language is added.
    let d = app.data(PATH, json!({ "known": rs(&["python"]) })).await;
    let s = steps(&d);
    let langs: Vec<&str> = s
        .iter()
        .map(|(slug, _)| slug.as_str())
        .filter(|slug| SERVER_LANGUAGES.contains(slug))
        .collect();
    assert!(langs.is_empty(), "[{engine:?} {label}] {langs:?}");
    assert!(
        d["learningPath"]["satisfied"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["slug"] == "python")),
        "[{engine:?} {label}] {d}"
    );
    // One relational database, the most demanded, said so in the reason.
    let dbs: Vec<&(String, String)> = s
        .iter()
        .filter(|(slug, _)| slug == "postgresql" || slug == "mysql")
        .collect();
    assert_eq!(dbs.len(), 1, "[{engine:?} {label}] {s:?}");
    assert!(
        dbs[0]
            .1
            .contains("one relational database is enough: picked as the most demanded"),
        "[{engine:?} {label}] {}",
        dbs[0].1
    );
    let before = s.len();
    eprintln!("[{engine:?} {label}] back-end path for a Python developer: {before} steps");

    // Nobody known: exactly one server-side language, the most demanded, with its reason.
    let d = app.data(PATH, json!({ "known": [] })).await;
    let s = steps(&d);
    let langs: Vec<&(String, String)> = s
        .iter()
        .filter(|(slug, _)| SERVER_LANGUAGES.contains(&slug.as_str()))
        .collect();
    assert_eq!(langs.len(), 1, "[{engine:?} {label}] {s:?}");
    assert!(
        langs[0]
            .1
            .contains("one server-side language is enough: picked as the most demanded, before"),
        "[{engine:?} {label}] {}",
        langs[0].1
    );
    // Knowing Python saves at least the language step.
    assert!(s.len() > before, "[{engine:?} {label}]");

    // Knowing Go and MySQL: they are kept, the other options never appear.
    let d = app
        .data(PATH, json!({ "known": rs(&["go", "mysql"]) }))
        .await;
    let s = steps(&d);
    assert!(
        !s.iter()
            .any(|(slug, _)| SERVER_LANGUAGES.contains(&slug.as_str()) || slug == "postgresql"),
        "[{engine:?} {label}] {s:?}"
    );

    // The gap counts a group once.
    let d = gap(app, json!(["python"])).await;
    let missing: Vec<&str> = d["skillGap"]["missingOptional"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["skill"]["slug"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !missing.iter().any(|m| SERVER_LANGUAGES.contains(m)),
        "[{engine:?} {label}] {missing:?}"
    );
    assert_eq!(
        missing
            .iter()
            .filter(|m| **m == "postgresql" || **m == "mysql")
            .count(),
        1,
        "[{engine:?} {label}] {missing:?}"
    );
    let with_python = d["skillGap"]["optional"].clone();
    let d = gap(app, json!([])).await;
    // Same number of optional requirements whichever language is known.
    assert_eq!(
        d["skillGap"]["optional"]["required"], with_python["required"],
        "[{engine:?} {label}]"
    );
    assert_eq!(
        with_python["covered"].as_i64().unwrap_or(0),
        d["skillGap"]["optional"]["covered"].as_i64().unwrap_or(0) + 1,
        "[{engine:?} {label}]"
    );
}

#[tokio::test]
async fn choice_groups_keep_what_is_known_else_the_most_demanded() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        check(&app, "catalog").await;
        app.cleanup().await;
        let app = imported(engine).await;
        check(&app, "imported").await;
        app.cleanup().await;
    }
}
