//! The instance's cache of parsed and validated documents (src/http/graphql/documents.rs): an
//! answer is the same whether its document was parsed and validated now or kept from before,
//! a kept document is never used for another text, variables that change what validation
//! says are part of the key, and the cache is the instance's own (another configuration is
//! another instance, with its own limits).
use axum::{body::Body, http::Request, Router};
use serde_json::{json, Value};
use skillgraph::{
    config::{Config, ConfigLayer},
    AppState,
};

use crate::helpers::{engines, send_to, TestApp};

/// Status and body of a request (the body as bytes, for byte-for-byte comparison).
async fn answer(app: &TestApp, query: &str, variables: Value) -> (u16, String) {
    answer_from(&app.router, query, variables).await
}

async fn answer_from(router: &Router, query: &str, variables: Value) -> (u16, String) {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(Body::from(body))
        .expect("request");
    let r = send_to(router, req).await;
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

/// Another instance over the test's database: a new router, so an empty cache of documents.
fn instance(app: &TestApp, layer: ConfigLayer) -> Router {
    let config = Config::build(&[ConfigLayer {
        database_url: Some(app.url.clone()),
        ..layer
    }])
    .map_err(|e| e.detail())
    .expect("config");
    skillgraph::app(AppState::new(app.db.clone(), config))
}

#[tokio::test]
async fn a_kept_document_is_never_used_for_another_text() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // Texts that differ in one character, in the order a cache keyed by anything weaker
        // than the whole text (length, prefix) would mix up; each answer must be its own.
        let slugs = ["rust", "ruby", "java", "rust", "go", "ruby", "python"];
        for round in 0..2 {
            for slug in slugs {
                let q = format!(r#"{{ skill(by: {{ slug: "{slug}" }}) {{ slug }} }}"#);
                let d = app.data(&q, json!({})).await;
                assert_eq!(d["skill"]["slug"], slug, "[{engine:?}] round {round}: {q}");
            }
        }
        // Same length, one field name changed: an error, and the valid text stays valid.
        let good = "{ skills(first: 2) { nodes { slug } } }";
        let bad = "{ skills(first: 2) { nodes { slog } } }";
        for _ in 0..2 {
            let d = app.data(good, json!({})).await;
            assert_eq!(d["skills"]["nodes"].as_array().map(Vec::len), Some(2));
            let (status, body) = answer(&app, bad, json!({})).await;
            assert_eq!(status, 400, "[{engine:?}] {body}");
            assert!(body.contains("slog"), "[{engine:?}] {body}");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn answers_and_errors_are_the_same_from_the_cache() {
    // Each request twice on one instance (the second finds its document kept) and once on a
    // fresh one: three identical answers, byte for byte.
    let cases: Vec<(&str, Value)> = vec![
        ("{ skills(first: 3) { nodes { slug name } } }", json!({})),
        (
            "query Role($slug: String!) { role(by: { slug: $slug }) { slug name } }",
            json!({ "slug": "backend-developer" }),
        ),
        // Variable values that validation refuses, after valid ones of the same document.
        (
            "query Role($slug: String!) { role(by: { slug: $slug }) { slug name } }",
            json!({ "slug": 5 }),
        ),
        (
            "query Role($slug: String!) { role(by: { slug: $slug }) { slug name } }",
            json!({ "slug": null }),
        ),
        (
            "query Role($slug: String!) { role(by: { slug: $slug }) { slug name } }",
            json!({}),
        ),
        ("query($id: ID!) { skill(by: { id: $id }) { slug } }", json!({ "id": 1.5 })),
        ("query($id: ID!) { skill(by: { id: $id }) { slug } }", json!({ "id": [] })),
        // Parse error, validation errors, limits.
        ("{ skills(first: 3) { nodes { slug }", json!({})),
        ("{ skills(first: 3) { nodes { nope } } }", json!({})),
        ("query($n: Int) { skills(first: 3) { nodes { slug } } }", json!({ "n": 1 })),
        (
            "{ skills(first: 100) { nodes { slug aliases(first: 100) { nodes { name } } broader(first: 100) { nodes { slug } } } } }",
            json!({}),
        ),
        (
            "query($n: Int) { skills(first: $n) { nodes { slug } } }",
            json!({ "n": 2 }),
        ),
        (
            "query($n: Int) { skills(first: $n) { nodes { slug } } }",
            json!({ "n": "two" }),
        ),
    ];
    for engine in engines() {
        let warm = TestApp::spawn(engine).await;
        for (q, vars) in &cases {
            let first = answer(&warm, q, vars.clone()).await;
            let again = answer(&warm, q, vars.clone()).await;
            let cold = instance(&warm, ConfigLayer::default());
            let fresh = answer_from(&cold, q, vars.clone()).await;
            assert_eq!(first, again, "[{engine:?}] {q} {vars}: again");
            assert_eq!(first, fresh, "[{engine:?}] {q} {vars}: fresh instance");
        }
        // Nothing above was a request error by accident only: the valid ones answered.
        let (status, body) = answer(&warm, cases[1].0, cases[1].1.clone()).await;
        assert_eq!(status, 200, "[{engine:?}] {body}");
        assert!(body.contains("backend-developer"), "[{engine:?}] {body}");
        warm.cleanup().await;
    }
}

#[tokio::test]
async fn variables_that_change_the_price_are_part_of_the_key() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                max_complexity: Some(100),
                ..Default::default()
            },
        )
        .await;
        let q = "query($n: Int, $t: String!) { skills(first: $n) { nodes { slug } } normalizeTitle(title: $t) { title } }";
        let cost = |v: &Value| v["extensions"]["cost"]["requested"].as_u64();
        // Same document: a page of 1, then of 100 (its price over the limit), then 1 again.
        let r = app.post(q, json!({ "n": 1, "t": "dev" }), None).await;
        assert_eq!(r.status, 200, "[{engine:?}] {}", r.json());
        let small = cost(&r.json()).expect("cost");
        let r = app.post(q, json!({ "n": 100, "t": "dev" }), None).await;
        assert_eq!(r.status, 400, "[{engine:?}] {}", r.json());
        assert_eq!(
            r.json()["errors"][0]["extensions"]["code"],
            "QUERY_TOO_COMPLEX"
        );
        // A longer title costs more (its price is read from the variable at every request).
        let r = app
            .post(q, json!({ "n": 1, "t": "developer ".repeat(20) }), None)
            .await;
        assert_eq!(r.status, 200, "[{engine:?}] {}", r.json());
        let long = cost(&r.json()).expect("cost");
        // normalizeTitle is priced 5 + 1 per 10 bytes of its title.
        assert_eq!(long, small + 20, "[{engine:?}]");
        let r = app.post(q, json!({ "n": 1, "t": "dev" }), None).await;
        assert_eq!(cost(&r.json()), Some(small), "[{engine:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn each_instance_keeps_its_own_documents_and_limits() {
    for engine in engines() {
        let generous = TestApp::spawn(engine).await;
        let strict = instance(
            &generous,
            ConfigLayer {
                max_complexity: Some(50),
                max_depth: Some(3),
                ..Default::default()
            },
        );
        let q = "{ skills(first: 20) { nodes { slug broader(first: 5) { nodes { slug } } } } }";
        for _ in 0..2 {
            let r = generous.post(q, json!({}), None).await;
            assert_eq!(r.status, 200, "[{engine:?}] {}", r.json());
        }
        // The same text on an instance with other limits: judged by its own.
        let (status, body) = answer_from(&strict, q, json!({})).await;
        assert_eq!(status, 400, "[{engine:?}] {body}");
        assert!(body.contains("QUERY_TOO_COMPLEX"), "[{engine:?}] {body}");
        let r = generous.post(q, json!({}), None).await;
        assert_eq!(r.status, 200, "[{engine:?}] {}", r.json());
        generous.cleanup().await;
    }
}
