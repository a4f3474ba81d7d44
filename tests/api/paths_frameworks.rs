//! Frameworks as first-class nodes of the computed answers: known frameworks, framework steps
//! after their language, frameworks in gaps, related skills and skill chains — on the catalog
//! and on a graph with the fixture imports, where imported role–framework requirements are
//! evidence for the curated role (`frameworkEvidence`) used in rankings, never requirements.
use serde_json::{json, Value};

use crate::{
    helpers::{engines, first_code, r, rs, TestApp},
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

const PATH: &str = r#"query($target: LearningTarget!, $known: [PathNodeRef!]) {
  learningPath(target: $target, known: $known) {
    skill { slug }
    framework { slug }
    steps {
      position requirement reason
      node { __typename slug name }
      skill { slug }
      framework { slug language { slug } }
    }
    known { __typename slug }
    satisfied { __typename slug }
  }
}"#;

/// (typename, slug) of each step, in order.
fn steps(d: &Value) -> Vec<(String, String)> {
    d["learningPath"]["steps"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["node"]["__typename"].as_str().unwrap_or("").to_owned(),
                        s["node"]["slug"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn position(steps: &[(String, String)], slug: &str) -> Option<usize> {
    steps.iter().position(|(_, s)| s == slug)
}

fn framework_steps(d: &Value) -> Vec<(String, String)> {
    d["learningPath"]["steps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|s| s["framework"].is_object())
                .map(|s| {
                    (
                        s["framework"]["slug"].as_str().unwrap_or("").to_owned(),
                        s["framework"]["language"]["slug"]
                            .as_str()
                            .unwrap_or("")
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn path(app: &TestApp, target: Value, known: Value) -> Value {
    app.data(PATH, json!({ "target": target, "known": r(&known) }))
        .await
}

/// The checks that hold on the catalog and on the imported graph alike.
async fn check(app: &TestApp, label: &str) {
    let engine = app.engine;
    let tag = format!("[{engine:?} {label}]");

    // A framework as the target: its language comes first, the framework last.
    let d = path(app, json!({ "framework": {"slug": "django"} }), json!([])).await;
    assert_eq!(d["learningPath"]["framework"]["slug"], "django", "{tag}");
    assert_eq!(d["learningPath"]["skill"], Value::Null, "{tag}");
    let s = steps(&d);
    let last = s.last().cloned().unwrap_or_default();
    assert_eq!(last, ("Framework".into(), "django".into()), "{tag} {s:?}");
    let python = position(&s, "python").expect("python is a step");
    assert!(python < s.len() - 1, "{tag} {s:?}");
    let steps_json = &d["learningPath"]["steps"];
    let last_step = &steps_json[s.len() - 1];
    assert_eq!(last_step["reason"], "The target framework", "{tag}");
    assert_eq!(last_step["requirement"], true, "{tag}");
    assert_eq!(last_step["skill"], Value::Null, "{tag}");
    // Knowing Python leaves Django alone.
    let d = path(
        app,
        json!({ "framework": {"slug": "django"} }),
        json!(["python"]),
    )
    .await;
    assert_eq!(steps(&d), [("Framework".into(), "django".into())], "{tag}");

    // A Python developer's path to Back-End Developer: frameworks are steps, in Python only,
    // and no second server language comes in through a framework.
    let d = path(
        app,
        json!({ "role": {"slug": "backend-developer"} }),
        json!(["python"]),
    )
    .await;
    let s = steps(&d);
    let fws = framework_steps(&d);
    assert!(
        fws.iter().any(|(f, _)| f == "django"),
        "{tag} no Django step: {s:?}"
    );
    assert!(
        fws.iter().all(|(_, lang)| lang == "python"),
        "{tag} frameworks of another language: {fws:?}"
    );
    for lang in SERVER_LANGUAGES {
        assert!(
            position(&s, lang).is_none(),
            "{tag} {lang} is a step: {s:?}"
        );
    }
    assert!(
        !fws.iter().any(|(f, _)| f == "spring" || f == "express"),
        "{tag}"
    );

    // Knowing Django: it is satisfied, and it implies Python, which settles the language.
    let d = path(
        app,
        json!({ "role": {"slug": "backend-developer"} }),
        json!(["django"]),
    )
    .await;
    let satisfied: Vec<&str> = d["learningPath"]["satisfied"]
        .as_array()
        .map(|a| a.iter().filter_map(|n| n["slug"].as_str()).collect())
        .unwrap_or_default();
    assert!(satisfied.contains(&"django"), "{tag} {satisfied:?}");
    assert!(satisfied.contains(&"python"), "{tag} {satisfied:?}");
    assert_eq!(
        d["learningPath"]["known"],
        json!([{ "__typename": "Framework", "slug": "django" }]),
        "{tag}"
    );
    let s = steps(&d);
    assert!(position(&s, "django").is_none(), "{tag}");
    for lang in SERVER_LANGUAGES {
        assert!(position(&s, lang).is_none(), "{tag} {lang}: {s:?}");
    }

    // Knowing nothing: one language is picked, and every framework step comes after it.
    let d = path(
        app,
        json!({ "role": {"slug": "backend-developer"} }),
        json!([]),
    )
    .await;
    let s = steps(&d);
    let langs: Vec<&str> = SERVER_LANGUAGES
        .iter()
        .copied()
        .filter(|l| position(&s, l).is_some())
        .collect();
    assert_eq!(langs.len(), 1, "{tag} {langs:?}");
    let lang_at = position(&s, langs[0]).unwrap_or(usize::MAX);
    let fws = framework_steps(&d);
    assert!(!fws.is_empty(), "{tag}");
    for (f, l) in &fws {
        assert_eq!(l, langs[0], "{tag} {f}");
        assert!(
            position(&s, f).unwrap_or(0) > lang_at,
            "{tag} {f} before {l}"
        );
    }

    // Gaps list missing frameworks; knowing one covers it.
    let gap = r#"query($known: [PathNodeRef!]) { skillGap(role: { slug: "backend-developer" }, known: $known) {
        known { slug }
        optional { required covered }
        missingOptional { node { __typename slug } framework { slug } skill { slug } } } }"#;
    let a = app.data(gap, json!({ "known": rs(&["python"]) })).await;
    let missing: Vec<(String, String)> = a["skillGap"]["missingOptional"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|m| {
                    (
                        m["node"]["__typename"].as_str().unwrap_or("").to_owned(),
                        m["node"]["slug"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        missing.contains(&("Framework".into(), "django".into())),
        "{tag} {missing:?}"
    );
    assert!(
        !missing.iter().any(|(_, s)| s == "spring" || s == "express"),
        "{tag} {missing:?}"
    );
    let b = app
        .data(gap, json!({ "known": rs(&["python", "django"]) }))
        .await;
    assert_eq!(
        b["skillGap"]["optional"]["required"], a["skillGap"]["optional"]["required"],
        "{tag}"
    );
    assert_eq!(
        b["skillGap"]["optional"]["covered"].as_i64().unwrap_or(0),
        a["skillGap"]["optional"]["covered"].as_i64().unwrap_or(0) + 1,
        "{tag}"
    );

    // Related: a framework answers, its language first among the curated links.
    let d = app
        .data(
            r#"{ relatedSkills(skill: { slug: "django" }, first: 20) {
                node { __typename slug } score components { related { value } } } }"#,
            json!({}),
        )
        .await;
    let rel = d["relatedSkills"].as_array().cloned().unwrap_or_default();
    let py = rel
        .iter()
        .find(|r| r["node"]["slug"] == "python")
        .unwrap_or_else(|| panic!("{tag} python not related to django: {rel:?}"));
    assert_eq!(py["components"]["related"]["value"], 1.0, "{tag}");
    let d = app
        .data(
            r#"{ relatedSkills(skill: { slug: "python" }, first: 100) { node { __typename slug } } }"#,
            json!({}),
        )
        .await;
    assert!(
        d["relatedSkills"].as_array().is_some_and(|a| a
            .iter()
            .any(|r| r["node"] == json!({ "__typename": "Framework", "slug": "django" }))),
        "{tag} {d}"
    );

    // Chains: Python → Django through the language link, both ways.
    let chain = r#"query($a: PathNodeRef!, $b: PathNodeRef!) { skillPath(from: $a, to: $b) {
        length from { __typename slug } to { __typename slug }
        hops { from { slug } to { slug } link relation } } }"#;
    let d = app
        .data(
            chain,
            json!({ "a": {"slug": "python"}, "b": {"slug": "django"} }),
        )
        .await;
    assert_eq!(
        d["skillPath"],
        json!({
            "length": 1,
            "from": { "__typename": "Skill", "slug": "python" },
            "to": { "__typename": "Framework", "slug": "django" },
            "hops": [{ "from": { "slug": "python" }, "to": { "slug": "django" },
                       "link": "LANGUAGE", "relation": "FRAMEWORK" }]
        }),
        "{tag}"
    );
    let d = app
        .data(
            chain,
            json!({ "a": {"slug": "django"}, "b": {"slug": "python"} }),
        )
        .await;
    assert_eq!(d["skillPath"]["hops"][0]["relation"], "LANGUAGE", "{tag}");

    // Bad input: a role id among known nodes, an unknown slug.
    let role_id = app
        .data(
            r#"{ role(by: { slug: "backend-developer" }) { id } }"#,
            json!({}),
        )
        .await["role"]["id"]
        .clone();
    let r = app
        .post(
            PATH,
            json!({ "target": { "framework": {"slug": "django"} }, "known": rs(&[role_id]) }),
            None,
        )
        .await
        .json();
    assert_eq!(first_code(&r), "VALIDATION", "{tag} {r}");
    let r = app
        .post(
            r#"{ relatedSkills(skill: { slug: "no-such-thing" }) { node { slug } } }"#,
            json!({}),
            None,
        )
        .await
        .json();
    assert_eq!(first_code(&r), "NOT_FOUND", "{tag} {r}");
}

#[tokio::test]
async fn frameworks_take_part_on_the_catalog() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        check(&app, "catalog").await;
        app.cleanup().await;
    }
}

#[tokio::test]
async fn frameworks_take_part_on_an_imported_graph_with_evidence() {
    for engine in engines() {
        let app = imported(engine).await;
        check(&app, "imported").await;

        // O*NET's Software Developers (15-1252, Back-End Developer's equivalent) lists Django,
        // Node.js and Spring Boot: evidence on the curated role, not requirements of it.
        let d = app
            .data(
                r#"{ role(by: { slug: "backend-developer" }) {
                    frameworks(first: 100) { totalCount }
                    frameworkEvidence { framework { slug } required occupations hotTechnology } } }"#,
                json!({}),
            )
            .await;
        let ev: Vec<(String, bool, i64)> = d["role"]["frameworkEvidence"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["framework"]["slug"].as_str().unwrap_or("").to_owned(),
                            e["required"].as_bool().unwrap_or(false),
                            e["occupations"].as_i64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        for f in ["django", "node-js", "spring-boot"] {
            assert!(
                ev.contains(&(f.to_owned(), true, 1)),
                "[{engine:?}] {f}: {ev:?}"
            );
        }
        let catalog = TestApp::spawn(engine).await;
        let before = catalog
            .data(
                r#"{ role(by: { slug: "backend-developer" }) { frameworks(first: 100) { totalCount } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            d["role"]["frameworks"]["totalCount"], before["role"]["frameworks"]["totalCount"],
            "[{engine:?}] the import added requirements"
        );
        catalog.cleanup().await;

        // Rankings weigh the evidence: with nothing known every framework fits 0 %, and the
        // three the equivalent occupation uses come first.
        let d = app
            .data(
                r#"{ skillGap(role: { slug: "backend-developer" }) { frameworks { framework { slug } percent } } }"#,
                json!({}),
            )
            .await;
        let top: Vec<&str> = d["skillGap"]["frameworks"]
            .as_array()
            .map(|a| {
                a.iter()
                    .take(3)
                    .filter_map(|f| f["framework"]["slug"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            top,
            ["django", "node-js", "spring-boot"],
            "[{engine:?}] {d}"
        );
        app.cleanup().await;
    }
}
