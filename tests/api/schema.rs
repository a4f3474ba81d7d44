use crate::helpers::{engines, TestApp};

/// `schema.graphql` is generated from the code; regenerate with
/// `cargo run -- schema > schema.graphql`.
#[test]
fn schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = skillgraph::graphql::schema::sdl();
    similar_asserts::assert_eq!(
        committed,
        generated,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

/// The response follows the order of the query (async-graphql 7.1+ broke this; we pin 7.0).
#[tokio::test]
async fn response_fields_follow_query_order() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for _ in 0..5 {
            let r = app
                .post(
                    "{ zz: info { version } b: skills(first: 1) { totalCount } info { backend } a: roles(first: 1) { totalCount } }",
                    serde_json::json!({}),
                    None,
                )
                .await;
            let body = String::from_utf8_lossy(&r.body).to_string();
            let pos = |k: &str| {
                body.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("{k} missing in {body}"))
            };
            assert!(
                pos("zz") < pos("b") && pos("b") < pos("info") && pos("info") < pos("a"),
                "[{engine:?}] order broken: {body}"
            );
        }
        app.cleanup().await;
    }
}
