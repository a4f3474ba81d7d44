//! Planned connections answer exactly what async-graphql's own execution answers. Each query
//! below is run on an imported graph twice: by the app (planned wherever it can be), and by a
//! twin instance over the same database started with `unplanned`, which answers every
//! connection the async-graphql way. Whole responses (data and errors) must be equal, the
//! planned one must not take more statements, and every level must hold data, so a wrong
//! field, relation, order or page shows.
use std::sync::{Arc, Mutex};

use axum::Router;
use sea_orm::Statement;
use serde_json::{json, Value};
use skillgraph::config::ConfigLayer;

use crate::{
    helpers::{engines, post_to, TestApp},
    import_evidence::{esco, onet, real_data},
};

const SKILL_LEAVES: &str = "id slug name kind description escoUri onetName firstReleaseYear \
     license homepage reuseLevel onetElementId createdAt updatedAt __typename";
const ROLE_LEAVES: &str =
    "id slug name description escoUri onetSocCode iscoCode createdAt updatedAt __typename";
const FRAMEWORK_LEAVES: &str = "id slug name description category firstReleaseYear license \
     homepage escoUri onetName createdAt updatedAt __typename";
const WEIGHTED: &str =
    "cursor importance level hotTechnology inDemand onetImportance onetLevel __typename";
const PAGE_INFO: &str = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }";

/// How many values are held under `key` anywhere in `v` (list items count one by one).
fn count(v: &Value, key: &str) -> usize {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| match (k == key, x) {
                (true, Value::Array(items)) => items.len() + count(x, key),
                (true, _) => 1 + count(x, key),
                _ => count(x, key),
            })
            .sum(),
        Value::Array(items) => items.iter().map(|x| count(x, key)).sum(),
        _ => 0,
    }
}

/// Runs `query` on the app and on its unplanned twin; returns the app's response after
/// checking that the two agree.
async fn both_ways(app: &TestApp, twin: &Twin, query: &str, variables: Value) -> Value {
    app.reset_statements();
    let planned = app.post(query, variables.clone(), None).await;
    let (planned_n, _) = app.statements();
    let before = twin.1.lock().map(|s| s.len()).unwrap_or(0);
    let unplanned = post_to(&twin.0, query, variables, None).await;
    let unplanned_n = twin.1.lock().map(|s| s.len()).unwrap_or(0) - before;
    let p = planned.json();
    similar_asserts::assert_eq!(
        p,
        unplanned.json(),
        "[{:?}] planned vs unplanned: {query}",
        app.engine
    );
    // Byte for byte too: the planned answer is written as JSON text, keys in selection order.
    similar_asserts::assert_eq!(
        String::from_utf8_lossy(&planned.body),
        String::from_utf8_lossy(&unplanned.body),
        "[{:?}] planned vs unplanned text: {query}",
        app.engine
    );
    assert!(
        planned_n <= unplanned_n,
        "[{:?}] planned took {planned_n} statements, unplanned {unplanned_n}: {query}",
        app.engine
    );
    p
}

/// The unplanned instance, and the statements it ran.
type Twin = (Router, Arc<Mutex<Vec<Statement>>>);

async fn unplanned_twin(app: &TestApp) -> Twin {
    let (router, _db, seen) = app
        .twin(
            4,
            ConfigLayer {
                unplanned: Some(true),
                ..Default::default()
            },
        )
        .await;
    (router, seen)
}

#[tokio::test]
async fn planned_connections_answer_as_async_graphql_does_on_an_imported_graph() {
    for engine in engines() {
        let app = TestApp::with_esco_fixture(engine).await;
        let twin = unplanned_twin(&app).await;

        // Q1's shape, with every field of its edges and nodes.
        let q1 = format!(
            "{{ roles(first: 30) {{ nodes {{ name skills(first: 20) {{ edges {{ {WEIGHTED} \
             node {{ {SKILL_LEAVES} broader(first: 5) {{ nodes {{ name }} {PAGE_INFO} }} }} }} \
             {PAGE_INFO} }} }} {PAGE_INFO} __typename }} }}"
        );
        let v = both_ways(&app, &twin, &q1, json!({})).await;
        let edges = count(&v["data"], "edges");
        let broader = count(&v["data"], "broader");
        let roles = v["data"]["roles"]["nodes"].as_array().map_or(0, Vec::len);
        assert!(roles > 10, "{v}");
        assert!(
            edges > 100 && broader == edges,
            "{edges} skill edges, {broader} broader pages"
        );
        assert!(
            count(&v["data"], "name") > roles + edges,
            "some skills have broader skills: {v}"
        );

        // Every relation a skill plans, from the top-level list and under a looked-up skill.
        let q = "{ skills(first: 100) { edges { cursor node { slug \
             broader { nodes { slug } } narrower(first: 3) { nodes { slug } } \
             prerequisites { nodes { slug } } requiredBy { nodes { slug } } \
             related(first: 4) { nodes { slug } } frameworks { nodes { slug } } \
             roles(first: 3) { edges { importance level node { slug } } } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        let skills = v["data"]["skills"]["edges"].as_array().map_or(0, Vec::len);
        assert_eq!(skills, 100, "{v}");
        for rel in [
            "broader",
            "narrower",
            "prerequisites",
            "requiredBy",
            "related",
            "frameworks",
        ] {
            let listed: usize = v["data"]["skills"]["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| count(&e["node"][rel], "nodes"))
                .sum();
            assert!(listed > 0, "no {rel} under the first skills: {v}");
        }
        assert!(count(&v["data"], "importance") > 0, "{v}");
        let q = format!(
            "{{ skill(by: {{slug: \"python\"}}) {{ name frameworks(first: 30) {{ nodes {{ \
             {FRAMEWORK_LEAVES} skills {{ nodes {{ slug }} }} roles(first: 5) {{ edges {{ \
             {WEIGHTED} node {{ {ROLE_LEAVES} }} }} }} }} }} }} }}"
        );
        let v = both_ways(&app, &twin, &q, json!({})).await;
        let frameworks = v["data"]["skill"]["frameworks"]["nodes"]
            .as_array()
            .map_or(0, Vec::len);
        assert!(frameworks > 3, "Python's frameworks: {v}");
        assert!(
            count(&v["data"], "importance") > 0,
            "Python's frameworks' roles: {v}"
        );

        // Roles' frameworks down to the frameworks' skills.
        let q = format!(
            "{{ roles(first: 100) {{ edges {{ node {{ {ROLE_LEAVES} frameworks(first: 5) {{ \
             edges {{ {WEIGHTED} node {{ slug skills(first: 3) {{ nodes {{ slug }} }} }} }} \
             }} }} }} }} }}"
        );
        let v = both_ways(&app, &twin, &q, json!({})).await;
        assert!(count(&v["data"], "importance") > 10, "{v}");

        // Aliases, the same relation twice with other pages, both lists of one page, and
        // @skip/@include (which async-graphql applies before execution).
        let q = "query($yes: Boolean!) { roles(first: 10) { a: nodes { n: name \
             s1: skills(first: 2) { nodes { slug } } slug @skip(if: $yes) \
             s2: skills(first: 3) @include(if: $yes) { e: edges { node { name } } nodes { id } } } } }";
        let v = both_ways(&app, &twin, q, json!({ "yes": true })).await;
        assert_eq!(count(&v["data"], "s2"), 10, "{v}");
        assert!(
            v["data"]["roles"]["a"][0].get("slug").is_none(),
            "skipped: {v}"
        );
        assert!(count(&v["data"], "e") > 10, "{v}");

        // One response key selected twice, at the root and below: async-graphql merges the
        // two values, so such documents are answered as values, not as planned JSON text.
        let q = "{ roles(first: 4) { nodes { name skills(first: 3) { nodes { slug } } } } \
             roles(first: 4) { nodes { slug skills(first: 3) { nodes { name } \
             pageInfo { hasNextPage } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        let first = &v["data"]["roles"]["nodes"][0];
        assert!(
            first["name"].is_string() && first["slug"].is_string(),
            "{v}"
        );
        let skill = &first["skills"]["nodes"][0];
        assert!(
            skill["name"].is_string() && skill["slug"].is_string(),
            "{v}"
        );
        assert!(
            first["skills"]["pageInfo"]["hasNextPage"].is_boolean(),
            "{v}"
        );

        // Fragments, spread and inline, on the type and on its interfaces, repeating leaves.
        let q = "fragment S on Skill { slug name } fragment R on Role { id slug } \
             { roles(first: 10) { nodes { ...R name ... on Role { slug } \
             skills(first: 3) { edges { node { ...S id ... on Node { id } \
             ... on PathNode { name } } } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        let first = &v["data"]["roles"]["nodes"][0];
        assert!(first["id"].is_string() && first["slug"].is_string(), "{v}");
        assert!(count(&v["data"], "node") > 10, "{v}");

        // Page arguments from variables, forwards from a cursor and backwards.
        let q = "query($n: Int, $after: String) { roles(first: 5) { nodes { \
             skills(first: $n, after: $after) { edges { cursor node { slug } } \
             pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }";
        let v = both_ways(&app, &twin, q, json!({ "n": 3 })).await;
        let cursor = v["data"]["roles"]["nodes"][0]["skills"]["pageInfo"]["endCursor"].clone();
        assert!(cursor.is_string(), "{v}");
        let v = both_ways(&app, &twin, q, json!({ "n": 3, "after": cursor })).await;
        assert_eq!(
            v["data"]["roles"]["nodes"][0]["skills"]["pageInfo"]["hasPreviousPage"],
            json!(true)
        );
        let q = "query($last: Int) { roles(first: 5) { nodes { skills(last: $last) { \
             nodes { slug } pageInfo { hasNextPage hasPreviousPage } } } } }";
        both_ways(&app, &twin, q, json!({ "last": 2 })).await;

        // Counts and filters, planned for every page of a level at once; what is not planned
        // (a page argument out of range, a filter that does not validate) is answered the
        // usual way, errors included.
        let q = "{ roles(first: 3) { nodes { skills(first: 500) { nodes { slug } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        assert_eq!(
            v["errors"][0]["extensions"]["code"],
            json!("VALIDATION"),
            "{v}"
        );
        let q = "{ roles(first: 3) { nodes { skills(first: 2) { totalCount nodes { slug } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        assert!(v["data"]["roles"]["nodes"][0]["skills"]["totalCount"].as_i64() > Some(2));
        let q = "{ roles(first: 3) { nodes { skills(first: 2, filter: { importance: ESSENTIAL }) \
             { totalCount edges { importance } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        assert!(count(&v["data"], "importance") > 2, "{v}");
        let q = "{ skills(first: 50) { nodes { roles(first: 3, filter: { importance: ESSENTIAL }) \
             { totalCount nodes { slug frameworks(first: 2, filter: { importance: OPTIONAL }) \
             { totalCount nodes { slug } } } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        assert!(count(&v["data"], "slug") > 5, "{v}");
        let q = "{ roles(first: 3) { nodes { skills(first: 2, filter: { minLevel: 9 }) \
             { nodes { slug } } } } }";
        let v = both_ways(&app, &twin, q, json!({})).await;
        assert_eq!(
            v["errors"][0]["extensions"]["code"],
            json!("VALIDATION"),
            "{v}"
        );
        app.cleanup().await;
    }
}

/// The bench's nested queries on the full ESCO v1.1.1 and O*NET 29.3 releases (when
/// `../shared/data` holds them): planned and unplanned answers are equal.
#[tokio::test]
async fn planned_answers_equal_unplanned_ones_on_the_full_releases() {
    let Some((esco_dir, onet_dir)) = real_data() else {
        println!(
            "planned_answers_equal_unplanned_ones_on_the_full_releases: ../shared/data not found, skipped"
        );
        return;
    };
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &esco_dir).await;
        onet(&app, &onet_dir).await;
        let twin = unplanned_twin(&app).await;
        // Q1 and roles → skills → frameworks as the bench sends them, then a page further on.
        let q1 = "{ roles(first: 50) { nodes { name skills(first: 20) { edges { importance \
             node { name broader(first: 5) { nodes { name } } } } } } } }";
        let v = both_ways(&app, &twin, q1, json!({})).await;
        assert!(count(&v["data"], "broader") > 500, "{v}");
        let essential = q1.replace(
            "skills(first: 20)",
            "skills(first: 20, filter: { importance: ESSENTIAL })",
        );
        let v = both_ways(&app, &twin, &essential, json!({})).await;
        assert!(count(&v["data"], "broader") > 100, "{v}");
        let rsf = "query($after: String) { roles(first: 20, after: $after) { nodes { name \
             skills(first: 20) { nodes { name frameworks(first: 5) { nodes { name } } } } } \
             pageInfo { endCursor } } }";
        let v = both_ways(&app, &twin, rsf, json!({})).await;
        let after = v["data"]["roles"]["pageInfo"]["endCursor"].clone();
        let v = both_ways(&app, &twin, rsf, json!({ "after": after })).await;
        assert!(count(&v["data"]["roles"], "nodes") >= 20, "{v}");
        // Skills with planned relations and counts, past the first hundred.
        let page = app
            .data(
                "{ skills(first: 100) { pageInfo { endCursor } } }",
                json!({}),
            )
            .await;
        let after = page["skills"]["pageInfo"]["endCursor"].clone();
        let q = "query($after: String) { skills(first: 60, after: $after) { totalCount \
             nodes { slug broader { totalCount nodes { slug } } \
             narrower(first: 3) { totalCount nodes { slug } } \
             roles(first: 3) { totalCount edges { importance onetImportance node { slug } } } } } }";
        let v = both_ways(&app, &twin, q, json!({ "after": after })).await;
        assert!(count(&v["data"], "importance") > 0, "{v}");
        app.cleanup().await;
    }
}
