//! `market.skillSalary` on the demo postings: every number checked against an independent
//! computation from the posting rows (read with plain SQL here, grouped and ranked in the test),
//! the refusal below the minimum sample, the scope filter, errors, price and statements.
use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

use crate::helpers::{engines, first_code, TestApp};

const Q: &str = r#"query($s: PathNodeRef!, $f: JobPostingFilter, $m: Int) {
  market { skillSalary(skill: $s, filter: $f, minPostings: $m) {
    node { slug } minPostings sources synthetic
    currencies { currency status reason difference ratio sources
      withSkill { postings p25 median p75 } withoutSkill { postings p25 median p75 } } } } }"#;

/// R's type 7: h = (n − 1)·p.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// currency → (midpoints with the skill, midpoints without), from the rows.
async fn by_hand(
    app: &TestApp,
    skill: &str,
    country: Option<&str>,
) -> BTreeMap<String, (Vec<f64>, Vec<f64>)> {
    let q = |sql: String| Statement::from_string(app.backend(), sql);
    let with: std::collections::HashSet<i64> = app
        .db
        .query_all_raw(q(format!(
            "SELECT ps.posting_id AS id FROM posting_skill ps JOIN skill s ON s.id = ps.skill_id \
             WHERE s.slug = '{skill}'"
        )))
        .await
        .expect("skill rows")
        .iter()
        .map(|r| r.try_get::<i64>("", "id").expect("id"))
        .collect();
    let rows = app
        .db
        .query_all_raw(q(
            "SELECT id, country, salary_currency, salary_annual_min, salary_annual_max \
             FROM job_posting"
                .into(),
        ))
        .await
        .expect("postings");
    let mut out: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for r in &rows {
        let c: Option<String> = r.try_get("", "salary_currency").expect("currency");
        let lo: Option<f64> = r.try_get("", "salary_annual_min").expect("min");
        let hi: Option<f64> = r.try_get("", "salary_annual_max").expect("max");
        let place: Option<String> = r.try_get("", "country").expect("country");
        let (Some(c), Some(lo), Some(hi)) = (c, lo, hi) else {
            continue;
        };
        if country.is_some() && place.as_deref() != country {
            continue;
        }
        let id: i64 = r.try_get("", "id").expect("id");
        let e = out.entry(c).or_default();
        let side = if with.contains(&id) {
            &mut e.0
        } else {
            &mut e.1
        };
        side.push((lo + hi) / 2.0);
    }
    for (a, b) in out.values_mut() {
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
    }
    out
}

/// Checks an answer against the hand computation; returns how many currencies were measured.
fn check(answer: &Value, expected: &BTreeMap<String, (Vec<f64>, Vec<f64>)>, min: usize) -> usize {
    let list = answer["currencies"].as_array().expect("currencies");
    let codes: Vec<&str> = list.iter().filter_map(|c| c["currency"].as_str()).collect();
    let want: Vec<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(codes, want, "{answer}");
    let mut measured = 0;
    for c in list {
        let (with, without) = &expected[c["currency"].as_str().unwrap_or("")];
        assert_eq!(c["withSkill"]["postings"], with.len(), "{c}");
        assert_eq!(c["withoutSkill"]["postings"], without.len(), "{c}");
        for (side, v) in [("withSkill", with), ("withoutSkill", without)] {
            if v.len() >= min {
                assert_eq!(c[side]["p25"], cents(quantile(v, 0.25)), "{side} {c}");
                assert_eq!(c[side]["median"], cents(quantile(v, 0.5)), "{side} {c}");
                assert_eq!(c[side]["p75"], cents(quantile(v, 0.75)), "{side} {c}");
            } else {
                assert_eq!(c[side]["median"], Value::Null, "{side} {c}");
                assert_eq!(c[side]["p25"], Value::Null, "{side} {c}");
            }
        }
        let status = match (with.len() >= min, without.len() >= min) {
            (true, true) => "MEASURED",
            (false, true) => "TOO_FEW_WITH_SKILL",
            (true, false) => "TOO_FEW_WITHOUT_SKILL",
            (false, false) => "TOO_FEW_ON_BOTH_SIDES",
        };
        assert_eq!(c["status"], status, "{c}");
        if status == "MEASURED" {
            measured += 1;
            let (a, b) = (cents(quantile(with, 0.5)), cents(quantile(without, 0.5)));
            assert_eq!(c["difference"], cents(a - b), "{c}");
            assert_eq!(c["ratio"], (a / b * 10_000.0).round() / 10_000.0, "{c}");
        } else {
            assert_eq!(c["difference"], Value::Null, "{c}");
            assert_eq!(c["ratio"], Value::Null, "{c}");
            assert!(
                c["reason"].as_str().unwrap_or("").contains("at least"),
                "{c}"
            );
        }
        assert_eq!(c["sources"], json!(["synthetic"]));
    }
    measured
}

#[tokio::test]
async fn salary_by_skill_matches_a_hand_computation_and_refuses_thin_samples() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        skillgraph::market::demo::generate_and_write(&app.db, 1500, 13)
            .await
            .map_err(|e| e.detail())
            .expect("demo postings");

        // Default minimum (30): every currency of the demo market is compared.
        let d = app.data(Q, json!({ "s": { "slug": "sql" } })).await;
        let s = &d["market"]["skillSalary"];
        assert_eq!(s["node"]["slug"], "sql");
        assert_eq!(s["minPostings"], 30);
        assert_eq!(s["synthetic"], true);
        assert_eq!(s["sources"], json!(["synthetic"]));
        let expected = by_hand(&app, "sql", None).await;
        assert_eq!(expected.len(), 4, "EUR, GBP, PLN, USD: {expected:?}");
        let measured = check(s, &expected, 30);
        assert!(measured >= 3, "[{engine:?}] {s}");

        // A framework counts like a skill; a scope narrows both sides the same way.
        let d = app
            .data(
                Q,
                json!({ "s": { "slug": "sql" }, "f": { "countries": ["DE"] }, "m": 20 }),
            )
            .await;
        let s = &d["market"]["skillSalary"];
        let expected = by_hand(&app, "sql", Some("DE")).await;
        assert_eq!(expected.keys().collect::<Vec<_>>(), ["EUR"]);
        assert_eq!(check(s, &expected, 20), 1, "[{engine:?}] {s}");

        // Refused below the minimum: counts stay, quartiles and the difference go.
        let d = app
            .data(Q, json!({ "s": { "slug": "sql" }, "m": 5000 }))
            .await;
        let s = &d["market"]["skillSalary"];
        assert_eq!(check(s, &by_hand(&app, "sql", None).await, 5000), 0);
        assert_eq!(s["currencies"][0]["status"], "TOO_FEW_ON_BOTH_SIDES");

        // Errors are coded.
        let v = app
            .post(Q, json!({ "s": { "slug": "no-such-skill" } }), None)
            .await
            .json();
        assert_eq!(first_code(&v), "NOT_FOUND", "{v}");
        let v = app
            .post(Q, json!({ "s": { "slug": "sql" }, "m": 0 }), None)
            .await
            .json();
        assert_eq!(first_code(&v), "VALIDATION", "{v}");

        // Priced like the other market analytics; a fixed number of statements.
        let v = app
            .post(Q, json!({ "s": { "slug": "sql" } }), None)
            .await
            .json();
        let cost = v["extensions"]["cost"]["requested"].as_u64().unwrap_or(0);
        assert!((2_500..3_000).contains(&cost), "{cost}");
        app.reset_statements();
        app.data(Q, json!({ "s": { "slug": "python" } })).await;
        let (n, sql) = app.statements();
        assert!(n <= 4, "[{engine:?}] {n} statements: {sql:#?}");
        app.cleanup().await;
    }
}
