//! `normalizeTitle` / `normalizeTitles` (issue #13): the issue's example, the labelled set's
//! top-1 accuracy on the catalog and on an imported graph, limits with coded errors, the cost
//! model, bounded statements, and `import postings` setting a role from the title.
use std::path::{Path, PathBuf};

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::import::{self, ImportOptions};

use crate::helpers::{engines, first_code, TestApp};

const BULK: &str = "query($t: [String!]!) { normalizeTitles(titles: $t, first: 3) { title \
    matches { score matchedLabel role { slug } } seniorityWords employmentWords locationWords otherWords } }";

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

/// (title, expected role slug) from the committed labelled set.
fn labelled() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture("titles/labelled.tsv")).expect("labelled set");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("title\t") && !l.trim().is_empty())
        .map(|l| {
            let (t, r) = l.split_once('\t').expect("title<TAB>role");
            (t.to_owned(), r.trim().to_owned())
        })
        .collect()
}

/// Top-1 accuracy of the labelled set, and the misses.
async fn accuracy(app: &TestApp) -> (f64, Vec<String>) {
    let set = labelled();
    assert!(set.len() >= 100, "{} labelled titles", set.len());
    let mut right = 0;
    let mut misses = Vec::new();
    for chunk in set.chunks(100) {
        let titles: Vec<&str> = chunk.iter().map(|(t, _)| t.as_str()).collect();
        let d = app.data(BULK, json!({ "t": titles })).await;
        let answers = d["normalizeTitles"].as_array().expect("answers");
        assert_eq!(answers.len(), chunk.len());
        for ((title, want), a) in chunk.iter().zip(answers) {
            assert_eq!(a["title"], title.as_str());
            let got = a["matches"][0]["role"]["slug"].as_str().unwrap_or("-");
            if got == want {
                right += 1;
            } else {
                misses.push(format!("{title} → {got} (want {want})"));
            }
        }
    }
    (right as f64 / set.len() as f64, misses)
}

#[tokio::test]
async fn the_issue_example_is_read() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                "{ normalizeTitle(title: \"Sr. Python Backend Engineer (m/f/d) – Remote\") { \
                   matches { score matchedLabel role { slug } } \
                   seniorityWords employmentWords locationWords otherWords } }",
                json!({}),
            )
            .await;
        let n = &d["normalizeTitle"];
        assert_eq!(n["matches"][0]["role"]["slug"], "backend-developer", "{d}");
        assert_eq!(n["matches"][0]["matchedLabel"], "backend engineer");
        let top = n["matches"][0]["score"].as_f64().unwrap_or(0.0);
        let second = n["matches"][1]["score"].as_f64().unwrap_or(1.0);
        assert!(top > 0.8 && second < top, "{d}");
        assert_eq!(n["seniorityWords"], json!(["Sr."]));
        assert_eq!(n["locationWords"], json!(["Remote"]));
        assert_eq!(n["otherWords"], json!(["m/f/d"]));
        let d = app
            .data(
                "{ normalizeTitle(title: \"Junior Data Scientist, full-time, Berlin\", first: 1) { \
                   matches { role { slug } } seniorityWords employmentWords locationWords } }",
                json!({}),
            )
            .await;
        assert_eq!(
            d["normalizeTitle"],
            json!({ "matches": [{ "role": { "slug": "data-scientist" } }],
                    "seniorityWords": ["Junior"], "employmentWords": ["full-time"], "locationWords": ["Berlin"] }),
            "[{engine:?}]"
        );
        let d = app
            .data(
                "{ normalizeTitle(title: \"Head Chef\") { matches { role { slug } } } }",
                json!({}),
            )
            .await;
        assert_eq!(d["normalizeTitle"]["matches"], json!([]), "{d}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn labelled_titles_top1_accuracy_on_the_catalog() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let (acc, misses) = accuracy(&app).await;
        println!(
            "[{engine:?}] catalog: top-1 accuracy {:.1} % on {} titles; misses {misses:#?}",
            acc * 100.0,
            labelled().len()
        );
        assert!(acc >= 0.9, "[{engine:?}] {acc}: {misses:#?}");
        app.cleanup().await;
    }
}

/// On a graph with ESCO and O*NET imported (the fixture excerpts): their occupations and titles
/// join the labels, curated roles keep their answers.
#[tokio::test]
async fn labelled_titles_top1_accuracy_on_an_imported_graph() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let esco = ImportOptions {
            release: Some("1.1.1".to_owned()),
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
        let (acc, misses) = accuracy(&app).await;
        println!(
            "[{engine:?}] imported: top-1 accuracy {:.1} %; misses {misses:#?}",
            acc * 100.0
        );
        assert!(acc >= 0.9, "[{engine:?}] {acc}: {misses:#?}");
        // An imported occupation no curated role stands for is found by its own title.
        let d = app
            .data(
                "{ normalizeTitle(title: \"Senior Software Analyst\") { matches { role { name source { name } } } } }",
                json!({}),
            )
            .await;
        let top = &d["normalizeTitle"]["matches"][0]["role"];
        assert_eq!(top["name"], "software analyst", "[{engine:?}] {d}");
        assert_eq!(top["source"]["name"], "ESCO");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn limits_are_coded_errors_and_priced() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let many: Vec<String> = (0..101).map(|i| format!("Engineer {i}")).collect();
        let long = "x".repeat(301);
        for (q, vars) in [
            (BULK, json!({ "t": many })),
            (BULK, json!({ "t": ["Backend Engineer", "  "] })),
            (
                "query($t: String!) { normalizeTitle(title: $t) { title } }",
                json!({ "t": long }),
            ),
            (
                "{ normalizeTitle(title: \"Backend Engineer\", first: 0) { title } }",
                json!({}),
            ),
        ] {
            let v = app.post(q, vars, None).await.json();
            assert_eq!(first_code(&v), "VALIDATION", "[{engine:?}] {v}");
        }
        // The price grows with the number and length of the titles.
        let cost = |v: &Value| v["extensions"]["cost"]["requested"].as_u64().unwrap_or(0);
        let one = app
            .post(BULK, json!({ "t": ["Backend Engineer"] }), None)
            .await
            .json();
        let fifty: Vec<&str> = vec!["Senior Backend Engineer (m/f/d) - Remote"; 50];
        let many = app.post(BULK, json!({ "t": fifty }), None).await.json();
        assert!(
            cost(&many) > 10 * cost(&one),
            "[{engine:?}] {} vs {}",
            cost(&many),
            cost(&one)
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn statements_are_bounded_whatever_the_number_of_titles() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let titles: Vec<(String, String)> = labelled();
        let ten: Vec<&str> = titles.iter().take(10).map(|(t, _)| t.as_str()).collect();
        let hundred: Vec<&str> = titles.iter().take(100).map(|(t, _)| t.as_str()).collect();
        // The first call builds the index.
        app.data(BULK, json!({ "t": ten })).await;
        app.reset_statements();
        app.data(BULK, json!({ "t": ten })).await;
        let (few, _) = app.statements();
        app.reset_statements();
        app.data(BULK, json!({ "t": hundred })).await;
        let (more, sql) = app.statements();
        assert_eq!(few, more, "[{engine:?}] {sql:#?}");
        assert!(more <= 3, "[{engine:?}] {more} statements: {sql:#?}");
        app.cleanup().await;
    }
}

/// The domain function `import postings` can call for a record without a role: the role a
/// title names in full, read from the database's labels.
#[tokio::test]
async fn the_role_a_posting_title_names() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let index = skillgraph::catalog::titles::load(&app.db, 0)
            .await
            .map_err(|e| e.detail())
            .expect("title index");
        let backend: i64 = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT id FROM role WHERE slug = 'backend-developer'",
            ))
            .await
            .expect("query")
            .expect("row")
            .try_get("", "id")
            .expect("id");
        assert_eq!(
            index.role_of("Senior Backend Engineer (m/f/d)"),
            Some(backend),
            "[{engine:?}]"
        );
        // Only a label matched in full sets a role.
        assert_eq!(index.role_of("Head Chef"), None);
        assert_eq!(index.role_of("Backend"), None);
        app.cleanup().await;
    }
}
