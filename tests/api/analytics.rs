//! Market analytics over the small fixture (7 postings), with hand-checked numbers:
//!
//! | posting | date       | country | workplace | annual salary (mid)  | role    | skills                          |
//! |---------|------------|---------|-----------|----------------------|---------|---------------------------------|
//! | J-1     | 2026-09-03 | DE      | onsite    | EUR 60–80k (70,000)  | backend | python, postgresql              |
//! | J-2     | 2026-10-12 | GB      | remote    | GBP 104–130k (117k)  | backend*| go, microservices, postgresql   |
//! | J-5     | 2026-10-20 | DE      | onsite    | EUR 60–72k (66,000)  | backend | java, redis                     |
//! | A-1     | 2026-10-05 | FR      | onsite    | EUR 50–65k (57,500)  | front*  | javascript                      |
//! | A-3     | 2026-10-07 | FR      | remote    | EUR 62.4k (62,400)   | backend*| python, sql                     |
//! | C-1     | 2026-10-15 | DE      | hybrid    | EUR 70–90k (80,000)  | backend | python, postgresql, redis       |
//! | C-3     | 2026-10-17 | US      | remote    | USD 124.8–166.4k     | platform*| go, postgresql, git             |
//!
//! \* role read from the title: the record gives none (`import postings`, issue #13).
use serde_json::{json, Value};

use crate::{
    helpers::{engines, TestApp},
    market::import_all,
};

fn pairs(list: &Value, node: &str, fields: &[&str]) -> Vec<Value> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let mut v = vec![x[node]["slug"].clone()];
                    v.extend(fields.iter().map(|f| x[*f].clone()));
                    Value::Array(v)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn demand_is_monthly_with_shares() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"query($s: SkillRef, $r: RoleRef) { market { demand(skill: $s, role: $r, window: { from: "2026-08-01", to: "2026-10-31" }) {
            total months { month postings share } sources } } }"#;
        let d = app.data(q, json!({ "s": {"slug": "python"} })).await;
        assert_eq!(
            d["market"]["demand"],
            json!({ "total": 3, "sources": ["fixtures"], "months": [
                { "month": "2026-08", "postings": 0, "share": 0.0 },
                { "month": "2026-09", "postings": 1, "share": 1.0 },
                { "month": "2026-10", "postings": 2, "share": 0.3333 } ] }),
            "[{engine:?}]"
        );
        let d = app
            .data(
                q,
                json!({ "r": {"slug": "backend-developer"}, "s": {"slug": "redis"} }),
            )
            .await;
        assert_eq!(d["market"]["demand"]["total"], 2);
        assert_eq!(d["market"]["demand"]["months"][2]["share"], 0.3333);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn top_skills_by_role_country_and_remote() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"query($f: JobPostingFilter, $n: Int!) { market { topSkills(filter: $f, first: $n) {
            postings sources skills { skill { slug } postings required share } } } }"#;
        let d = app.data(q, json!({ "n": 2 })).await;
        let t = &d["market"]["topSkills"];
        assert_eq!(t["postings"], 7);
        assert_eq!(
            pairs(&t["skills"], "skill", &["postings", "required", "share"]),
            [
                json!(["postgresql", 4, 2, 0.5714]),
                json!(["python", 3, 3, 0.4286])
            ]
        );
        let d = app
            .data(
                q,
                json!({ "n": 10, "f": { "role": {"slug": "backend-developer"} } }),
            )
            .await;
        assert_eq!(
            pairs(
                &d["market"]["topSkills"]["skills"],
                "skill",
                &["postings", "share"]
            ),
            // J-2 ("Go Developer") and A-3 ("Python Developer") give no role: their titles
            // name Back-End Developer, so they count here too.
            [
                json!(["python", 3, 0.6]),
                json!(["postgresql", 3, 0.6]),
                json!(["redis", 2, 0.4]),
                json!(["java", 1, 0.2]),
                json!(["go", 1, 0.2]),
                json!(["sql", 1, 0.2]),
                json!(["microservices", 1, 0.2])
            ]
        );
        let d = app
            .data(q, json!({ "n": 2, "f": { "workplaces": ["REMOTE"] } }))
            .await;
        assert_eq!(d["market"]["topSkills"]["postings"], 3);
        assert_eq!(
            pairs(&d["market"]["topSkills"]["skills"], "skill", &["postings"]),
            [json!(["go", 2]), json!(["postgresql", 2])]
        );
        let d = app
            .data(q, json!({ "n": 1, "f": { "countries": ["FR"] } }))
            .await;
        assert_eq!(
            pairs(&d["market"]["topSkills"]["skills"], "skill", &["postings"]),
            [json!(["python", 1])]
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn salary_percentiles_are_interpolated_and_annualised() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"query($f: JobPostingFilter) { market { salaries(filter: $f) {
            sources currencies { currency postings min p25 median p75 max } } } }"#;
        let d = app.data(q, json!({})).await;
        assert_eq!(
            d["market"]["salaries"]["currencies"],
            json!([
                { "currency": "EUR", "postings": 5, "min": 57500.0, "p25": 62400.0, "median": 66000.0, "p75": 70000.0, "max": 80000.0 },
                { "currency": "GBP", "postings": 1, "min": 117000.0, "p25": 117000.0, "median": 117000.0, "p75": 117000.0, "max": 117000.0 },
                { "currency": "USD", "postings": 1, "min": 145600.0, "p25": 145600.0, "median": 145600.0, "p75": 145600.0, "max": 145600.0 }
            ]),
            "[{engine:?}]"
        );
        let d = app
            .data(
                q,
                json!({ "f": { "skills": crate::helpers::rs(&["python"]) } }),
            )
            .await;
        assert_eq!(
            d["market"]["salaries"]["currencies"],
            json!([{ "currency": "EUR", "postings": 3, "min": 62400.0, "p25": 66200.0, "median": 70000.0, "p75": 75000.0, "max": 80000.0 }])
        );
        let d = app.data(q, json!({ "f": { "countries": ["DE"] } })).await;
        assert_eq!(
            d["market"]["salaries"]["currencies"][0],
            json!({ "currency": "EUR", "postings": 3, "min": 66000.0, "p25": 68000.0, "median": 70000.0, "p75": 75000.0, "max": 80000.0 })
        );
        let d = app
            .data(q, json!({ "f": { "role": {"slug": "backend-developer"} } }))
            .await;
        // EUR: J-1 70,000, J-5 66,000, C-1 80,000 and A-3 62,400 (its role read from its title).
        assert_eq!(d["market"]["salaries"]["currencies"][0]["median"], 68000.0);
        assert_eq!(d["market"]["salaries"]["sources"], json!(["fixtures"]));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn co_occurrence_is_ranked_by_lift_with_support() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"query($m: Int!) { market { coOccurringSkills(skill: { slug: "postgresql" }, minSupport: $m) {
            postings subjectPostings sources skills { skill { slug } support postings lift confidence } } } }"#;
        let d = app.data(q, json!({ "m": 1 })).await;
        let c = &d["market"]["coOccurringSkills"];
        assert_eq!(
            (c["postings"].clone(), c["subjectPostings"].clone()),
            (json!(7), json!(4))
        );
        // lift = support · N / (n_a · n_b) with N = 7, n_a = 4.
        assert_eq!(
            pairs(
                &c["skills"],
                "skill",
                &["support", "postings", "lift", "confidence"]
            ),
            [
                json!(["go", 2, 2, 1.75, 0.5]),
                json!(["git", 1, 1, 1.75, 0.25]),
                json!(["microservices", 1, 1, 1.75, 0.25]),
                json!(["python", 2, 3, 1.1667, 0.5]),
                json!(["redis", 1, 2, 0.875, 0.25])
            ],
            "[{engine:?}]"
        );
        let d = app.data(q, json!({ "m": 2 })).await;
        assert_eq!(
            pairs(
                &d["market"]["coOccurringSkills"]["skills"],
                "skill",
                &["lift"]
            ),
            [json!(["go", 1.75]), json!(["python", 1.1667])]
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn trending_compares_two_windows() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"query($m: Int!) { market { trendingSkills(
                current: { from: "2026-10-01", to: "2026-10-31" },
                previous: { from: "2026-09-01", to: "2026-09-30" }, minPostings: $m) {
            currentPostings previousPostings synthetic sources
            skills { skill { slug } current previous currentShare previousShare growth } } } }"#;
        // Six postings in October against one in September: every count grew, but growth
        // compares shares of the month's postings, so PostgreSQL (3 of 6 against 1 of 1) and
        // Python (2 of 6 against 1 of 1) shrank; Go and Redis were not asked for before
        // (growth null, listed after the measured ones).
        let d = app.data(q, json!({ "m": 1 })).await;
        let t = &d["market"]["trendingSkills"];
        assert_eq!(t["currentPostings"], 6);
        assert_eq!(t["previousPostings"], 1);
        let rows = pairs(
            &t["skills"],
            "skill",
            &[
                "current",
                "previous",
                "currentShare",
                "previousShare",
                "growth",
            ],
        );
        assert_eq!(rows.len(), 9, "[{engine:?}] {rows:?}");
        assert_eq!(
            rows[..4],
            [
                json!(["postgresql", 3, 1, 0.5, 1.0, -0.5]),
                json!(["python", 2, 1, 0.3333, 1.0, -0.6667]),
                json!(["go", 2, 0, 0.3333, 0.0, null]),
                json!(["redis", 2, 0, 0.3333, 0.0, null])
            ],
            "[{engine:?}]"
        );
        assert_eq!(t["synthetic"], false, "[{engine:?}]");
        // Minimum support 2: one posting in September is too few to measure a change.
        let d = app.data(q, json!({ "m": 2 })).await;
        assert_eq!(
            pairs(
                &d["market"]["trendingSkills"]["skills"],
                "skill",
                &["current", "previous", "growth"]
            ),
            [
                json!(["postgresql", 3, 1, null]),
                json!(["python", 2, 1, null]),
                json!(["go", 2, 0, null]),
                json!(["redis", 2, 0, null])
            ],
            "[{engine:?}]"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn analytics_take_a_fixed_number_of_statements() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let q = r#"{ market {
            demand(skill: { slug: "python" }, window: { from: "2025-01-01", to: "2026-12-31" }) { total }
            topSkills(first: 100) { skills { skill { slug } } }
            topFrameworks { frameworks { framework { slug } } }
            salaries { currencies { median } }
            coOccurringSkills(skill: { slug: "postgresql" }) { skills { skill { slug } } }
            trendingSkills(current: { from: "2026-10-01", to: "2026-10-31" }, previous: { from: "2026-09-01", to: "2026-09-30" }) { skills { skill { slug } } } } }"#;
        app.reset_statements();
        app.data(q, json!({})).await;
        let (small, _) = app.statements();
        // Ten times the postings: the same number of statements.
        skillgraph::market::demo::generate_and_write(&app.db, 70, 7)
            .await
            .map_err(|e| e.detail())
            .expect("demo");
        app.reset_statements();
        let d = app.data(q, json!({})).await;
        let (large, log) = app.statements();
        // Per field: its GROUP BY statements, a count, the sources, and the catalog rows it
        // names (one by-id batch, or a few when fields resolve at different times).
        assert!(small <= 25, "[{engine:?}] {small}");
        assert!(large <= 25, "[{engine:?}] {large}: {log:#?}");
        let per_row = log.iter().filter(|s| s.contains("WHERE t.id = ?")).count();
        assert_eq!(per_row, 0, "[{engine:?}] per-row statements: {log:#?}");
        assert!(d["market"]["topSkills"]["skills"]
            .as_array()
            .is_some_and(|a| a.len() > 5));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn demo_postings_are_deterministic_and_marked_synthetic() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let a = skillgraph::market::demo::generate(&app.db, 50, 3)
            .await
            .map_err(|e| e.detail())
            .expect("generate");
        let b = skillgraph::market::demo::generate(&app.db, 50, 3)
            .await
            .map_err(|e| e.detail())
            .expect("generate");
        assert_eq!(a, b);
        let n = skillgraph::market::demo::generate_and_write(&app.db, 50, 3)
            .await
            .map_err(|e| e.detail())
            .expect("write");
        assert_eq!(n, 50);
        // Again: upserts, nothing new.
        skillgraph::market::demo::generate_and_write(&app.db, 50, 3)
            .await
            .map_err(|e| e.detail())
            .expect("write");
        let d = app
            .data(
                r#"{ jobPostings(first: 1) { totalCount nodes { source skills { skill { slug } } } }
                    market { topSkills { sources skills { skill { slug } } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["jobPostings"]["totalCount"], 50);
        assert_eq!(d["jobPostings"]["nodes"][0]["source"], "synthetic");
        assert_eq!(d["market"]["topSkills"]["sources"], json!(["synthetic"]));
        // Every market answer says so, sources selected or not.
        let d = app
            .data(
                r#"{ market {
                    demand(skill: { slug: "python" }, window: { from: "2025-01-01", to: "2026-12-31" }) { synthetic }
                    topSkills { synthetic }
                    topFrameworks { synthetic frameworks { postings required } }
                    salaries { synthetic }
                    coOccurringSkills(skill: { slug: "sql" }) { synthetic }
                    trendingSkills(current: { from: "2026-10-01", to: "2026-10-31" },
                                   previous: { from: "2026-09-01", to: "2026-09-30" }) { synthetic } } }"#,
                json!({}),
            )
            .await;
        for field in [
            "demand",
            "topSkills",
            "topFrameworks",
            "salaries",
            "coOccurringSkills",
            "trendingSkills",
        ] {
            assert_eq!(
                d["market"][field]["synthetic"], true,
                "[{engine:?}] {field}"
            );
        }
        // Frameworks are sometimes required in the demo postings.
        let required: i64 = d["market"]["topFrameworks"]["frameworks"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["required"].as_i64()).sum())
            .unwrap_or(0);
        let postings: i64 = d["market"]["topFrameworks"]["frameworks"]
            .as_array()
            .map(|a| a.iter().filter_map(|f| f["postings"].as_i64()).sum())
            .unwrap_or(0);
        assert!(
            required > 0 && required < postings,
            "[{engine:?}] {required} of {postings}"
        );
        app.cleanup().await;
    }
}
