//! Job postings in the paths answers: demand counts them, relatedSkills scores their
//! co-occurrence, and direct prerequisite links count as a curated relation (Docker for
//! Kubernetes), on the catalog and on the imported graph.
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::{
    helpers::{engines, TestApp},
    paths_imported::imported,
};

const RELATED: &str = r#"query($s: PathNodeRef!) { relatedSkills(skill: $s, first: 10) {
  skill { slug } score
  components { related { value evidence } postings { value evidence contribution } }
} }"#;

fn slugs(d: &Value) -> Vec<String> {
    d["relatedSkills"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["skill"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db
        .query_one_raw(sea_orm::Statement::from_string(app.backend(), sql))
        .await
        .expect("count")
        .expect("row")
        .try_get::<i64>("", "n")
        .expect("n")
}

async fn check(app: &TestApp, label: &str) {
    let engine = app.engine;
    // Docker is a prerequisite of Kubernetes: in its top 3, before any postings.
    let d = app
        .data(RELATED, json!({ "s": {"slug": "kubernetes"} }))
        .await;
    let top = slugs(&d);
    let docker = top.iter().position(|s| s == "docker");
    assert!(
        docker.is_some_and(|p| p < 3),
        "[{engine:?} {label}] {top:?}"
    );
    assert_eq!(
        d["relatedSkills"][docker.unwrap_or(0)]["components"]["related"]["value"],
        1.0
    );

    skillgraph::market::demo::generate_and_write(&app.db, 300, 11)
        .await
        .map_err(|e| e.detail())
        .expect("demo postings");
    // Demand: roles plus postings, as counted in the tables.
    let roles = count(
        app,
        "SELECT COUNT(*) AS n FROM role_skill rs JOIN skill s ON s.id = rs.skill_id WHERE s.slug = 'docker'",
    )
    .await;
    let postings = count(
        app,
        "SELECT COUNT(*) AS n FROM posting_skill ps JOIN skill s ON s.id = ps.skill_id WHERE s.slug = 'docker'",
    )
    .await;
    assert!(
        postings > 0,
        "[{engine:?} {label}] no posting asks for Docker"
    );
    let d = app
        .data(
            r#"{ learningPath(target: { skill: { slug: "kubernetes" } }, known: []) { steps { skill { slug } demand } } }"#,
            json!({}),
        )
        .await;
    let step = d["learningPath"]["steps"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["skill"]["slug"] == "docker").cloned())
        .unwrap_or(Value::Null);
    assert_eq!(
        step["demand"].as_i64(),
        Some(roles + postings),
        "[{engine:?} {label}] {d}"
    );

    // Co-occurrence: Docker and Kubernetes are asked for together; the evidence is the number
    // of postings asking for both, and Docker stays in the top 3.
    let both = count(
        app,
        "SELECT COUNT(*) AS n FROM posting_skill a JOIN posting_skill b ON a.posting_id = b.posting_id \
         JOIN skill sa ON sa.id = a.skill_id JOIN skill sb ON sb.id = b.skill_id \
         WHERE sa.slug = 'kubernetes' AND sb.slug = 'docker'",
    )
    .await;
    let d = app
        .data(RELATED, json!({ "s": {"slug": "kubernetes"} }))
        .await;
    let top = slugs(&d);
    let p = top.iter().position(|s| s == "docker");
    assert!(p.is_some_and(|p| p < 3), "[{engine:?} {label}] {top:?}");
    let c = &d["relatedSkills"][p.unwrap_or(0)]["components"]["postings"];
    assert_eq!(
        c["evidence"].as_i64(),
        Some(both),
        "[{engine:?} {label}] {c}"
    );
    if both > 0 {
        assert!(
            c["value"].as_f64().unwrap_or(0.0) > 0.0,
            "[{engine:?} {label}] {c}"
        );
    }
    eprintln!("[{engine:?} {label}] related to kubernetes: {top:?}; docker postings {postings}, with kubernetes {both}");
}

#[tokio::test]
async fn postings_count_in_demand_and_related_skills() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        check(&app, "catalog").await;
        app.cleanup().await;
        let app = imported(engine).await;
        check(&app, "imported").await;
        app.cleanup().await;
    }
}
