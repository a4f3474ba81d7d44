//! `filter:` on the nested requirement connections (`Role.skills`, `Role.frameworks`,
//! `Skill.roles`, `Framework.roles`) and roles ordered by POPULARITY, on the curated catalog and
//! on a graph with the ESCO and O*NET fixture imports: every filtered answer is checked against
//! the unfiltered list filtered here.
use serde_json::{json, Value};
use skillgraph::graphql::types::decode_global_id;

use crate::helpers::{engines, first_code, TestApp};

/// One nested connection of one parent, with a filter.
struct Case {
    /// Root lookup: `role`, `skill` or `framework`.
    root: &'static str,
    slug: &'static str,
    field: &'static str,
    filter: Value,
    expect: Expect,
}

/// What the filter must do to the list, so that a case cannot pass by keeping everything or
/// nothing by accident.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Keeps some edges and drops some.
    Some,
    /// Keeps none of a non-empty list.
    None,
}

fn filter_type(root: &str, field: &str) -> &'static str {
    match (root, field) {
        ("role", "skills") => "RoleSkillFilter",
        ("role", "frameworks") => "RoleFrameworkFilter",
        ("skill", "roles") => "SkillRoleFilter",
        ("framework", "roles") => "FrameworkRoleFilter",
        other => panic!("no filter for {other:?}"),
    }
}

fn node_fields(root: &str, field: &str) -> &'static str {
    match (root, field) {
        ("role", "skills") => "slug kind",
        ("role", "frameworks") => "slug category",
        _ => "slug",
    }
}

fn query(c: &Case) -> String {
    format!(
        "query($slug: String!, $first: Int, $after: String, $last: Int, $before: String, $filter: {ty}) {{
           {root}(by: {{ slug: $slug }}) {{
             {field}(first: $first, after: $after, last: $last, before: $before, filter: $filter) {{
               totalCount
               pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
               edges {{ cursor importance level node {{ {nodes} }} }}
             }}
           }}
         }}",
        ty = filter_type(c.root, c.field),
        root = c.root,
        field = c.field,
        nodes = node_fields(c.root, c.field),
    )
}

/// Whether an edge passes `filter`, as the API documents it: lists mean "any of", level bounds
/// leave out edges without a level.
fn keeps(filter: &Value, edge: &Value) -> bool {
    let any_of = |key: &str, value: &Value| {
        filter[key]
            .as_array()
            .is_none_or(|allowed| allowed.contains(value))
    };
    let level = edge["level"].as_i64();
    any_of("importance", &edge["importance"])
        && any_of("kind", &edge["node"]["kind"])
        && any_of("category", &edge["node"]["category"])
        && filter["minLevel"]
            .as_i64()
            .is_none_or(|min| level.is_some_and(|l| l >= min))
        && filter["maxLevel"]
            .as_i64()
            .is_none_or(|max| level.is_some_and(|l| l <= max))
}

/// What identifies an edge in a comparison.
fn key(edge: &Value) -> Value {
    json!([edge["node"]["slug"], edge["importance"], edge["level"]])
}

/// The connection of one request.
async fn page(app: &TestApp, c: &Case, vars: Value) -> Value {
    let mut v = vars;
    v["slug"] = json!(c.slug);
    let d = app.data(&query(c), v).await;
    d[c.root][c.field].clone()
}

/// Every edge, walking forwards `size` at a time (checking pageInfo on the way); and the
/// totalCount each page reported.
async fn walk_forwards(app: &TestApp, c: &Case, filter: &Value, size: i64) -> (Vec<Value>, i64) {
    let mut out = Vec::new();
    let mut after = Value::Null;
    let mut total = -1;
    for n in 0.. {
        let conn = page(
            app,
            c,
            json!({ "first": size, "after": after, "filter": filter }),
        )
        .await;
        let edges = conn["edges"].as_array().cloned().unwrap_or_default();
        assert!(edges.len() as i64 <= size);
        let t = conn["totalCount"].as_i64().expect("totalCount");
        assert!(total == -1 || total == t, "totalCount changed while paging");
        total = t;
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], json!(n > 0), "{conn}");
        out.extend(edges);
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
        assert!(after.is_string(), "{conn}");
    }
    (out, total)
}

/// Every edge, walking backwards from the end `size` at a time.
async fn walk_backwards(app: &TestApp, c: &Case, filter: &Value, size: i64) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut before = Value::Null;
    loop {
        let conn = page(
            app,
            c,
            json!({ "last": size, "before": before, "filter": filter }),
        )
        .await;
        let mut edges = conn["edges"].as_array().cloned().unwrap_or_default();
        edges.append(&mut out);
        out = edges;
        if conn["pageInfo"]["hasPreviousPage"] != json!(true) {
            break;
        }
        before = conn["pageInfo"]["startCursor"].clone();
    }
    out
}

async fn check(app: &TestApp, c: &Case) {
    let engine = app.engine;
    let label = format!(
        "[{engine:?}] {}({}).{} {}",
        c.root, c.slug, c.field, c.filter
    );
    let (all, all_total) = walk_forwards(app, c, &Value::Null, 100).await;
    assert_eq!(all.len() as i64, all_total, "{label}");
    let expected: Vec<Value> = all
        .iter()
        .filter(|e| keeps(&c.filter, e))
        .map(key)
        .collect();
    match c.expect {
        Expect::Some => assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{label}: the filter should keep some of {} edges, kept {}",
            all.len(),
            expected.len()
        ),
        Expect::None => assert!(
            expected.is_empty() && !all.is_empty(),
            "{label}: expected nothing of {} edges, kept {}",
            all.len(),
            expected.len()
        ),
    }
    // One page of everything the filter keeps.
    let one = page(app, c, json!({ "first": 100, "filter": c.filter })).await;
    let got: Vec<Value> = one["edges"]
        .as_array()
        .map(|a| a.iter().map(key).collect())
        .unwrap_or_default();
    assert_eq!(got, expected, "{label}");
    assert_eq!(one["totalCount"], json!(expected.len()), "{label}");
    assert_eq!(one["pageInfo"]["hasNextPage"], json!(false), "{label}");
    // Pages of 2 through the filtered list, forwards and backwards, with its cursors.
    let (fwd, total) = walk_forwards(app, c, &c.filter, 2).await;
    assert_eq!(fwd.iter().map(key).collect::<Vec<_>>(), expected, "{label}");
    assert_eq!(total, expected.len() as i64, "{label}");
    let back = walk_backwards(app, c, &c.filter, 2).await;
    assert_eq!(
        back.iter().map(key).collect::<Vec<_>>(),
        expected,
        "{label} backwards"
    );
}

fn case(root: &'static str, slug: &'static str, field: &'static str, filter: Value) -> Case {
    Case {
        root,
        slug,
        field,
        filter,
        expect: Expect::Some,
    }
}

#[tokio::test]
async fn filtered_nested_lists_match_the_whole_list_filtered_on_the_catalog() {
    let cases = [
        case(
            "role",
            "backend-developer",
            "skills",
            json!({ "importance": ["ESSENTIAL"], "minLevel": 4 }),
        ),
        case(
            "role",
            "backend-developer",
            "skills",
            json!({ "maxLevel": 2 }),
        ),
        case(
            "role",
            "backend-developer",
            "skills",
            json!({ "kind": ["LANGUAGE", "DATABASE"], "importance": ["OPTIONAL"], "minLevel": 3, "maxLevel": 3 }),
        ),
        case(
            "role",
            "backend-developer",
            "frameworks",
            json!({ "category": ["WEB_FRAMEWORK"] }),
        ),
        case(
            "role",
            "frontend-developer",
            "frameworks",
            json!({ "minLevel": 3 }),
        ),
        case(
            "skill",
            "sql",
            "roles",
            json!({ "importance": ["ESSENTIAL"], "minLevel": 3 }),
        ),
        case(
            "skill",
            "python",
            "roles",
            json!({ "importance": ["OPTIONAL"] }),
        ),
        case("framework", "react", "roles", json!({ "minLevel": 4 })),
        Case {
            expect: Expect::None,
            ..case(
                "role",
                "backend-developer",
                "skills",
                json!({ "importance": [] }),
            )
        },
    ];
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for c in &cases {
            check(&app, c).await;
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn filtered_nested_lists_match_the_whole_list_filtered_on_an_imported_graph() {
    let cases = [
        // O*NET edges carry no level: a level bound leaves all of them out.
        Case {
            expect: Expect::None,
            ..case(
                "role",
                "computer-systems-analysts",
                "skills",
                json!({ "minLevel": 1 }),
            )
        },
        Case {
            expect: Expect::None,
            ..case(
                "role",
                "computer-systems-analysts",
                "frameworks",
                json!({ "maxLevel": 5 }),
            )
        },
        // An ESCO occupation: essential and optional skills and knowledge.
        case(
            "role",
            "web-developer",
            "skills",
            json!({ "importance": ["ESSENTIAL"] }),
        ),
        case(
            "role",
            "web-developer",
            "skills",
            json!({ "kind": ["KNOWLEDGE"] }),
        ),
        // Curated roles (with levels) and imported ones (without) requiring one skill.
        case("skill", "python", "roles", json!({ "minLevel": 3 })),
        case(
            "skill",
            "python",
            "roles",
            json!({ "importance": ["OPTIONAL"], "maxLevel": 5 }),
        ),
        case("framework", "django", "roles", json!({ "minLevel": 1 })),
    ];
    for engine in engines() {
        let app = crate::paths_imported::imported(engine).await;
        for c in &cases {
            check(&app, c).await;
        }
        app.cleanup().await;
    }
}

/// Edges of a connection as comparable keys.
fn keys(conn: &Value) -> Vec<Value> {
    conn["edges"]
        .as_array()
        .map(|a| a.iter().map(key).collect())
        .unwrap_or_default()
}

const ESSENTIAL_4: &str = r#"{ importance: [ESSENTIAL], minLevel: 4 }"#;
const LANGUAGES: &str = r#"{ kind: [LANGUAGE] }"#;

/// The first 17 roles (by slug) with their skills three ways in one request, two filters and
/// none, and under the first filter's skills the roles that need them as essential.
/// Statements: the roles page, then per level and distinct filter (none counts as one) one
/// page and one count.
fn three_ways() -> String {
    let edges = "totalCount edges { importance level node { slug kind } }";
    format!(
        "{{ roles(first: 17) {{ nodes {{ slug
            ess: skills(first: 20, filter: {ESSENTIAL_4}) {{ totalCount edges {{ importance level node {{ slug kind
              roles(first: 10, filter: {{ importance: [ESSENTIAL] }}) {{ totalCount nodes {{ slug }} }} }} }} }}
            lang: skills(first: 100, filter: {LANGUAGES}) {{ {edges} }}
            all: skills(first: 100) {{ {edges} }}
        }} }} }}"
    )
}

#[tokio::test]
async fn parents_with_different_filters_in_one_request_are_batched_per_filter() {
    for engine in engines() {
        for imported in [false, true] {
            let app = if imported {
                crate::paths_imported::imported(engine).await
            } else {
                TestApp::spawn(engine).await
            };
            let label = format!("[{engine:?}] imported={imported}");
            app.reset_statements();
            let d = app.data(&three_ways(), json!({})).await;
            let (n, log) = app.statements();
            // The roles page; level 1: 3 filters × (page + count); level 2: 1 × (page + count).
            assert_eq!(n, 1 + 3 * 2 + 2, "{label}: {}", log.join("\n"));
            let roles = d["roles"]["nodes"].as_array().expect("roles");
            assert_eq!(roles.len(), 17, "{label}");
            // No role has more skills than a page holds, so `all` is the whole list.
            assert!(
                roles
                    .iter()
                    .all(|r| r["all"]["totalCount"].as_i64().unwrap_or(999) <= 100),
                "{label}"
            );
            let (mut some_ess, mut some_lang) = (0, 0);
            for r in roles {
                let all = r["all"]["edges"].as_array().expect("all");
                assert!(
                    r["ess"]["totalCount"].as_i64().unwrap_or(99) <= 20,
                    "{label}"
                );
                for e in r["ess"]["edges"].as_array().expect("ess") {
                    // The role itself needs the skill as essential: it is among its roles
                    // (unless ten come before it).
                    let roles = &e["node"]["roles"];
                    let listed = roles["nodes"].as_array().expect("roles");
                    assert!(
                        listed.iter().any(|x| x["slug"] == r["slug"])
                            || roles["totalCount"].as_i64().unwrap_or(0) > 10,
                        "{label} {roles}"
                    );
                }
                for (alias, filter) in [
                    ("ess", json!({ "importance": ["ESSENTIAL"], "minLevel": 4 })),
                    ("lang", json!({ "kind": ["LANGUAGE"] })),
                ] {
                    let want: Vec<Value> =
                        all.iter().filter(|e| keeps(&filter, e)).map(key).collect();
                    assert_eq!(keys(&r[alias]), want, "{label} {alias} of {}", r["slug"]);
                    assert_eq!(r[alias]["totalCount"], json!(want.len()), "{label}");
                }
                some_ess += usize::from(!keys(&r["ess"]).is_empty());
                some_lang += usize::from(!keys(&r["lang"]).is_empty());
            }
            assert!(
                some_ess >= 5 && some_lang >= 5,
                "{label}: {some_ess} {some_lang}"
            );

            // Two root lookups, each with its own filter, and one level further down (skills →
            // the roles requiring them) another: still one page and one count per filter and
            // level.
            app.reset_statements();
            let d = app
                .data(
                    &format!(
                        "{{ a: role(by: {{ slug: \"backend-developer\" }}) {{
                              skills(first: 20, filter: {ESSENTIAL_4}) {{ totalCount edges {{ importance level node {{ slug kind
                                roles(first: 20, filter: {{ importance: [ESSENTIAL] }}) {{ totalCount nodes {{ slug }} }} }} }} }} }}
                            b: role(by: {{ slug: \"frontend-developer\" }}) {{
                              skills(first: 20, filter: {LANGUAGES}) {{ totalCount edges {{ importance level node {{ slug kind
                                roles(first: 20, filter: {{ importance: [ESSENTIAL] }}) {{ totalCount nodes {{ slug }} }} }} }} }} }}
                            c: role(by: {{ slug: \"frontend-developer\" }}) {{
                              skills(first: 100) {{ totalCount edges {{ importance level node {{ slug kind }} }} }} }}
                            d: role(by: {{ slug: \"backend-developer\" }}) {{
                              skills(first: 100) {{ totalCount edges {{ importance level node {{ slug kind }} }} }} }} }}"
                    ),
                    json!({}),
                )
                .await;
            let (n, log) = app.statements();
            // Four role lookups (each its own statement); the nested lists of root fields are
            // batched when their parents arrive together, so at most one page and one count
            // per root field and level, never one per skill.
            assert!(n <= 4 + 4 * 2 + 2 * 2, "{label}: {n}\n{}", log.join("\n"));
            let want_a: Vec<Value> = d["d"]["skills"]["edges"]
                .as_array()
                .expect("d")
                .iter()
                .filter(|e| keeps(&json!({ "importance": ["ESSENTIAL"], "minLevel": 4 }), e))
                .map(key)
                .collect();
            let want_b: Vec<Value> = d["c"]["skills"]["edges"]
                .as_array()
                .expect("c")
                .iter()
                .filter(|e| keeps(&json!({ "kind": ["LANGUAGE"] }), e))
                .map(key)
                .collect();
            assert!(!want_a.is_empty() && !want_b.is_empty(), "{label}");
            assert_eq!(keys(&d["a"]["skills"]), want_a, "{label}");
            assert_eq!(keys(&d["b"]["skills"]), want_b, "{label}");
            // SQL is essential for the back-end developer: it shows up among its roles.
            let sql = d["a"]["skills"]["edges"]
                .as_array()
                .and_then(|a| a.iter().find(|e| e["node"]["slug"] == "sql"))
                .expect("sql is an essential level-4 skill of backend-developer");
            let roles = &sql["node"]["roles"];
            assert!(
                roles["nodes"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|r| r["slug"] == "backend-developer")),
                "{label} {roles}"
            );
            assert_eq!(
                roles["totalCount"],
                json!(roles["nodes"].as_array().map_or(0, Vec::len)),
                "{label}"
            );
            app.cleanup().await;
        }
    }
}

#[tokio::test]
async fn level_bounds_outside_one_to_five_are_refused() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (field, filter) in [
            ("skills", "{ minLevel: 0 }"),
            ("skills", "{ maxLevel: 6 }"),
            ("frameworks", "{ minLevel: 4, maxLevel: 2 }"),
        ] {
            let q = format!(
                "{{ role(by: {{ slug: \"backend-developer\" }}) {{ {field}(filter: {filter}) {{ totalCount }} }} }}"
            );
            let v = app.post(&q, json!({}), None).await.json();
            assert_eq!(first_code(&v), "VALIDATION", "[{engine:?}] {filter}: {v}");
        }
        let v = app
            .post(
                r#"{ skill(by: { slug: "sql" }) { roles(filter: { minLevel: -1 }) { totalCount } } }"#,
                json!({}),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&v), "VALIDATION", "[{engine:?}] {v}");
        app.cleanup().await;
    }
}

const ROLES_BY: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: RoleOrder) {
  roles(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id slug jobPostings { totalCount } }
  }
}"#;

/// (postings, id, slug) of every role, walking `order` forwards `size` at a time.
async fn roles_in_order(app: &TestApp, order: Value, size: i64) -> Vec<(i64, i64, String)> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = app
            .data(
                ROLES_BY,
                json!({ "first": size, "after": after, "order": order }),
            )
            .await;
        let conn = &d["roles"];
        for n in conn["nodes"].as_array().expect("nodes") {
            let id = n["id"]
                .as_str()
                .and_then(decode_global_id)
                .map(|(_, id)| id)
                .expect("global id");
            out.push((
                n["jobPostings"]["totalCount"].as_i64().expect("count"),
                id,
                n["slug"].as_str().expect("slug").to_owned(),
            ));
        }
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    out
}

#[tokio::test]
async fn roles_order_by_popularity_with_cursors() {
    for engine in engines() {
        for imported in [false, true] {
            let app = if imported {
                crate::paths_imported::imported(engine).await
            } else {
                TestApp::spawn(engine).await
            };
            crate::market::import_all(&app).await;
            let label = format!("[{engine:?}] imported={imported}");
            let by_slug = roles_in_order(&app, json!({ "field": "SLUG" }), 100).await;
            for desc in [false, true] {
                let mut want = by_slug.clone();
                want.sort_by_key(|(n, id, _)| (*n, *id));
                if desc {
                    want.reverse();
                }
                let order = json!({ "field": "POPULARITY", "direction": if desc { "DESC" } else { "ASC" } });
                let got = roles_in_order(&app, order.clone(), 4).await;
                assert_eq!(got, want, "{label} desc={desc}");
                // Backwards from the end, with `last`/`before`.
                let mut back: Vec<(i64, i64, String)> = Vec::new();
                let mut before = Value::Null;
                loop {
                    let d = app
                        .data(
                            ROLES_BY,
                            json!({ "last": 5, "before": before, "order": order }),
                        )
                        .await;
                    let mut page: Vec<(i64, i64, String)> = d["roles"]["nodes"]
                        .as_array()
                        .expect("nodes")
                        .iter()
                        .map(|n| {
                            (
                                n["jobPostings"]["totalCount"].as_i64().unwrap_or(-1),
                                n["id"]
                                    .as_str()
                                    .and_then(decode_global_id)
                                    .map_or(-1, |(_, id)| id),
                                n["slug"].as_str().unwrap_or("").to_owned(),
                            )
                        })
                        .collect();
                    page.append(&mut back);
                    back = page;
                    if d["roles"]["pageInfo"]["hasPreviousPage"] != json!(true) {
                        break;
                    }
                    before = d["roles"]["pageInfo"]["startCursor"].clone();
                }
                assert_eq!(back, want, "{label} desc={desc} backwards");
            }
            // The postings make a real order: the back-end developer leads with 5.
            let top = roles_in_order(
                &app,
                json!({ "field": "POPULARITY", "direction": "DESC" }),
                100,
            )
            .await;
            assert_eq!(
                (top[0].0, top[0].2.as_str()),
                (5, "backend-developer"),
                "{label}"
            );
            assert!(top.iter().any(|r| r.0 == 0), "{label}");
            // A cursor of another ordering is refused.
            let d = app
                .data(
                    ROLES_BY,
                    json!({ "first": 1, "order": { "field": "SLUG" } }),
                )
                .await;
            let cursor = d["roles"]["pageInfo"]["endCursor"].clone();
            let v = app
                .post(
                    ROLES_BY,
                    json!({ "first": 1, "after": cursor, "order": { "field": "POPULARITY" } }),
                    None,
                )
                .await
                .json();
            assert_eq!(first_code(&v), "VALIDATION", "{label}: {v}");
            app.cleanup().await;
        }
    }
}
