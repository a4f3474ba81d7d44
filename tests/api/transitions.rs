//! `roleTransitions` (issue #13): on the curated catalog and on a graph with the ESCO and O*NET
//! fixture imports, both engines — nearest roles with their shared requirements, skills to add,
//! learning steps, salary difference from the demo postings, the coded errors, the price and a
//! statement count that does not grow with the graph.
use serde_json::{json, Value};

use crate::{
    helpers::{engines, first_code, TestApp},
    paths_imported::imported,
};

const Q: &str = r#"query($from: RoleRef, $known: [PathNodeRef!], $first: Int, $m: Int) {
  roleTransitions(from: $from, known: $known, first: $first, minPostings: $m) {
    role { slug name } score essentialRequired essentialCovered optionalRequired optionalCovered
    skillsToAdd { node { slug name } importance demand }
    learningStepCount learningSteps { position node { slug } requirement importance }
    salary { status reason sources synthetic
      currencies { currency fromPostings toPostings fromMedian toMedian difference ratio } }
    explanation } }"#;

fn slugs(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["role"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn find<'a>(list: &'a Value, slug: &str) -> &'a Value {
    list.as_array()
        .and_then(|a| a.iter().find(|t| t["role"]["slug"] == slug))
        .unwrap_or(&Value::Null)
}

/// What every transition must satisfy, whatever the graph.
fn well_formed(list: &Value) {
    let a = list.as_array().expect("list");
    let scores: Vec<f64> = a.iter().filter_map(|t| t["score"].as_f64()).collect();
    assert_eq!(scores.len(), a.len());
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    for t in a {
        let s = t["score"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&s), "{t}");
        let add = t["skillsToAdd"].as_array().expect("to add");
        let missing = t["essentialRequired"].as_i64().unwrap_or(0)
            - t["essentialCovered"].as_i64().unwrap_or(0)
            + t["optionalRequired"].as_i64().unwrap_or(0)
            - t["optionalCovered"].as_i64().unwrap_or(0);
        assert_eq!(add.len() as i64, missing, "{t}");
        // Essential first.
        let ess: Vec<bool> = add.iter().map(|x| x["importance"] == "ESSENTIAL").collect();
        assert!(ess.windows(2).all(|w| w[0] >= w[1]), "{t}");
        let steps = t["learningSteps"].as_array().expect("steps");
        assert_eq!(t["learningStepCount"], steps.len());
        // Every requirement to add is a step of the path.
        for x in add {
            assert!(
                steps.iter().any(|s| s["node"]["slug"] == x["node"]["slug"]),
                "{} not a step: {t}",
                x["node"]["slug"]
            );
        }
        let e = t["explanation"].as_str().unwrap_or("");
        assert!(e.starts_with("Shares "), "{e}");
        assert!(e.contains(&format!("{} learning step", steps.len())), "{e}");
    }
}

#[tokio::test]
async fn nearest_roles_on_the_catalog() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 5 }),
            )
            .await;
        let list = &d["roleTransitions"];
        eprintln!(
            "[{engine:?}] backend: {}",
            serde_json::to_string_pretty(list).unwrap_or_default()
        );
        well_formed(list);
        let s = slugs(list);
        assert_eq!(s.len(), 5);
        // Full-Stack first: it shares 14 of Back-End's 18 essential requirements.
        assert_eq!(s[0], "fullstack-developer", "{s:?}");
        assert!(!s.contains(&"backend-developer".to_owned()), "{s:?}");
        let fs = find(list, "fullstack-developer");
        assert_eq!(
            (
                fs["essentialRequired"].clone(),
                fs["essentialCovered"].clone()
            ),
            (json!(18), json!(14)),
            "{fs}"
        );
        // JavaScript is essential for Full-Stack and Back-End's typical holder has Python.
        assert_eq!(fs["skillsToAdd"][0]["node"]["slug"], "javascript", "{fs}");
        assert_eq!(fs["skillsToAdd"][0]["importance"], "ESSENTIAL");
        assert!(
            fs["explanation"]
                .as_str()
                .unwrap_or("")
                .starts_with("Shares 14 of 18 essential requirements"),
            "{fs}"
        );
        // No postings: no salary difference, and it says why.
        assert_eq!(fs["salary"]["status"], "TOO_FEW_POSTINGS");
        assert_eq!(fs["salary"]["currencies"], json!([]));

        let d = app
            .data(
                Q,
                json!({ "from": { "slug": "devops-engineer" }, "first": 5 }),
            )
            .await;
        let list = &d["roleTransitions"];
        eprintln!(
            "[{engine:?}] devops: {}",
            serde_json::to_string_pretty(list).unwrap_or_default()
        );
        well_formed(list);
        assert_eq!(slugs(list)[0], "platform-engineer");
        let p = find(list, "platform-engineer");
        assert_eq!(
            (
                p["essentialRequired"].clone(),
                p["essentialCovered"].clone()
            ),
            (json!(15), json!(14)),
            "{p}"
        );
        assert_eq!(
            p["skillsToAdd"][0]["node"]["slug"], "platform-engineering",
            "{p}"
        );

        let d = app
            .data(
                Q,
                json!({ "known": [{ "slug": "python" }, { "slug": "sql" }, { "slug": "pandas" }], "first": 3 }),
            )
            .await;
        let list = &d["roleTransitions"];
        eprintln!(
            "[{engine:?}] known: {}",
            serde_json::to_string_pretty(list).unwrap_or_default()
        );
        well_formed(list);
        assert_eq!(list[0]["salary"]["status"], "NO_SOURCE_ROLE");
        app.cleanup().await;
    }
}

/// Medians of the postings of a role in a currency, by hand from the rows.
async fn median_by_hand(app: &TestApp, role: &str, currency: &str) -> (usize, f64) {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.backend(),
            format!(
                "SELECT p.salary_annual_min AS lo, p.salary_annual_max AS hi FROM job_posting p \
                 JOIN role r ON r.id = p.role_id WHERE r.slug = '{role}' \
                 AND p.salary_currency = '{currency}' AND p.salary_annual_min IS NOT NULL"
            ),
        ))
        .await
        .expect("rows");
    let mut v: Vec<f64> = rows
        .iter()
        .map(|r| {
            let lo: f64 = r.try_get("", "lo").expect("lo");
            let hi: f64 = r.try_get("", "hi").expect("hi");
            (lo + hi) / 2.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (n, (m * 100.0).round() / 100.0)
}

#[tokio::test]
async fn salary_differences_come_from_the_postings() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        skillgraph::market::demo::generate_and_write(&app.db, 1500, 21)
            .await
            .map_err(|e| e.detail())
            .expect("demo postings");
        let d = app
            .data(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 3 }),
            )
            .await;
        let fs = find(&d["roleTransitions"], "fullstack-developer");
        assert_eq!(fs["salary"]["status"], "MEASURED", "{fs}");
        assert_eq!(fs["salary"]["synthetic"], true);
        assert_eq!(fs["salary"]["sources"], json!(["synthetic"]));
        let cs = fs["salary"]["currencies"].as_array().expect("currencies");
        assert!(!cs.is_empty());
        for c in cs {
            let cur = c["currency"].as_str().unwrap_or("");
            let (na, ma) = median_by_hand(&app, "backend-developer", cur).await;
            let (nb, mb) = median_by_hand(&app, "fullstack-developer", cur).await;
            assert!(na >= 30 && nb >= 30, "{c}");
            assert_eq!(
                (c["fromPostings"].clone(), c["toPostings"].clone()),
                (json!(na), json!(nb)),
                "[{engine:?}] {c}"
            );
            assert_eq!(c["fromMedian"], ma, "{c}");
            assert_eq!(c["toMedian"], mb, "{c}");
            assert_eq!(c["difference"], ((mb - ma) * 100.0).round() / 100.0, "{c}");
        }
        assert!(fs["explanation"]
            .as_str()
            .unwrap_or("")
            .contains("median salary"));
        // A minimum above every sample withholds it, with the counts in the reason.
        let d = app
            .data(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 1, "m": 10000 }),
            )
            .await;
        let s = &d["roleTransitions"][0]["salary"];
        assert_eq!(s["status"], "TOO_FEW_POSTINGS", "{s}");
        assert!(
            s["reason"]
                .as_str()
                .unwrap_or("")
                .contains("fewer than 10000"),
            "{s}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn errors_are_coded_and_the_field_is_priced() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (vars, code) in [
            (json!({}), "VALIDATION"),
            (
                json!({ "from": { "slug": "backend-developer" }, "known": [{ "slug": "python" }] }),
                "VALIDATION",
            ),
            (json!({ "known": [] }), "VALIDATION"),
            (
                json!({ "from": { "slug": "backend-developer" }, "first": 0 }),
                "VALIDATION",
            ),
            (
                json!({ "from": { "slug": "backend-developer" }, "first": 21 }),
                "VALIDATION",
            ),
            (json!({ "from": { "slug": "no-such-role" } }), "NOT_FOUND"),
            (
                json!({ "known": [{ "slug": "no-such-skill" }] }),
                "NOT_FOUND",
            ),
        ] {
            let v = app.post(Q, vars.clone(), None).await.json();
            assert_eq!(first_code(&v), code, "[{engine:?}] {vars}: {v}");
        }
        let v = app
            .post(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 2 }),
                None,
            )
            .await
            .json();
        let cost = v["extensions"]["cost"]["requested"].as_u64().unwrap_or(0);
        assert!(cost >= 2_500, "{cost}");
        app.cleanup().await;
    }
}

/// The same questions on a graph with the ESCO and O*NET fixture imports: imported occupations
/// are candidates too, roles equivalent to the source are left out, and the statement count
/// stays what it is on the catalog alone.
#[tokio::test]
async fn nearest_roles_on_an_imported_graph_with_bounded_statements() {
    for engine in engines() {
        let plain = TestApp::spawn(engine).await;
        plain.reset_statements();
        plain
            .data(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 5 }),
            )
            .await;
        let (on_catalog, _) = plain.statements();
        assert!(on_catalog <= 16, "{on_catalog}");
        plain.cleanup().await;

        let app = imported(engine).await;
        app.reset_statements();
        let d = app
            .data(
                Q,
                json!({ "from": { "slug": "backend-developer" }, "first": 20 }),
            )
            .await;
        let (n, sql) = app.statements();
        // At most 16 (the role, its requirements and links, the pre-score, the pool's batched
        // reads, the salaries).
        assert!(n <= 16, "[{engine:?}] {n} statements: {sql:#?}");
        assert!(
            n <= on_catalog + 1,
            "[{engine:?}] {n} vs {on_catalog} on the catalog"
        );
        let list = &d["roleTransitions"];
        well_formed(list);
        let s = slugs(list);
        assert_eq!(s[0], "fullstack-developer", "{s:?}");
        // Imported roles equivalent to Back-End Developer are the same job: left out.
        let eq = app
            .data(
                r#"{ role(by: { slug: "backend-developer" }) { id } }"#,
                json!({}),
            )
            .await;
        assert!(eq["role"]["id"].is_string());
        let equivalents = {
            use sea_orm::{ConnectionTrait, Statement};
            app.db
                .query_all_raw(Statement::from_string(
                    app.backend(),
                    "SELECT r.slug AS slug FROM role_equivalent e JOIN role r ON r.id = e.equivalent_id \
                     JOIN role b ON b.id = e.role_id WHERE b.slug = 'backend-developer'",
                ))
                .await
                .expect("equivalents")
                .iter()
                .map(|r| r.try_get::<String>("", "slug").expect("slug"))
                .collect::<Vec<_>>()
        };
        assert!(!equivalents.is_empty(), "the fixtures link an equivalent");
        for e in &equivalents {
            assert!(!s.contains(e), "{e} is equivalent to the source: {s:?}");
        }
        // An imported occupation as the source: its nearest roles come back, well formed.
        let d = app
            .data(Q, json!({ "from": { "slug": equivalents[0] }, "first": 5 }))
            .await;
        let list = &d["roleTransitions"];
        well_formed(list);
        assert!(
            !slugs(list).contains(&"backend-developer".to_owned()),
            "{list}"
        );
        // Known skills on the imported graph.
        let d = app
            .data(
                Q,
                json!({ "known": [{ "slug": "python" }, { "slug": "sql" }, { "slug": "docker" }], "first": 5 }),
            )
            .await;
        let list = &d["roleTransitions"];
        well_formed(list);
        assert_eq!(list.as_array().map(Vec::len), Some(5), "{list}");
        // Only the catalog's roles when asked.
        let d = app
            .data(
                r#"query($k: [PathNodeRef!]) { roleTransitions(known: $k, first: 20, curatedOnly: true) {
                    score role { slug source { name } } } }"#,
                json!({ "k": [{ "slug": "python" }, { "slug": "sql" }, { "slug": "docker" }] }),
            )
            .await;
        let list = d["roleTransitions"].as_array().expect("list");
        assert!(!list.is_empty());
        assert!(
            list.iter().all(|t| t["role"]["source"].is_null()),
            "{list:?}"
        );
        app.cleanup().await;
    }
}
