//! Issue #10: no request stalls the server, writes survive concurrency, every error is coded.
//! Each probe of the issue, on SQLite and PostgreSQL.
use std::time::{Duration, Instant};

use axum::{body::Body, http::Request};
use futures_util::future::join_all;
use serde_json::{json, Value};
use skillgraph::{config::ConfigLayer, config::Secret, db};
use tower::ServiceExt;

use crate::helpers::{engines, first_code, TestApp, ADMIN_TOKEN};

const GRJ: &str = "application/graphql-response+json";

fn post_json(body: String, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(Body::from(body))
        .expect("request")
}

/// `levels` levels of fragments, each spreading the next `spreads` times: spreads^levels fields.
fn fragment_bomb(spreads: usize, levels: usize) -> String {
    let mut q = String::from("query Bomb { ...F0 }\n");
    for l in 0..levels {
        q.push_str(&format!("fragment F{l} on QueryRoot {{ "));
        for _ in 0..spreads {
            q.push_str(&format!("...F{} ", l + 1));
        }
        q.push_str("}\n");
    }
    q.push_str(&format!(
        "fragment F{levels} on QueryRoot {{ info {{ version }} }}\n"
    ));
    q
}

fn aliased(n: usize, field: &str) -> String {
    let mut q = if field.contains("$t") {
        String::from("query Many($t: String!) { ")
    } else {
        String::from("query Many { ")
    };
    for i in 0..n {
        q.push_str(&format!("a{i}: {field} "));
    }
    q.push('}');
    q
}

#[tokio::test]
async fn fragment_bombs_are_refused_before_validation() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // 10^9 fields in a few hundred bytes: ran past 60 s in validation before.
        let doc = fragment_bomb(10, 9);
        assert!(doc.len() < 1_000);
        let started = Instant::now();
        let (bomb, health) = tokio::join!(
            app.post(&doc, json!({}), None),
            app.send(
                Request::get("/healthz")
                    .body(Body::empty())
                    .expect("request")
            )
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "[{engine:?}] took {:?}",
            started.elapsed()
        );
        assert_eq!(bomb.status, 400, "[{engine:?}]");
        let v = bomb.json();
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX", "[{engine:?}] {v}");
        assert!(v.get("data").is_none());
        assert!(v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("fields once its fragments are expanded")));
        assert_eq!(health.status, 200);
        // A fragment cycle is refused, not walked forever.
        let r = app
            .post(
                "query { ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }",
                json!({}),
                None,
            )
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(first_code(&r.json()), "GRAPHQL_VALIDATION_FAILED");
        // A small document of fragments still runs, with its answer.
        let data = app.data(&fragment_bomb(2, 2), json!({})).await;
        assert!(data["info"]["version"].is_string(), "[{engine:?}] {data}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn expensive_fields_are_priced_by_their_work() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // 1,000 aliased schema dumps cost 34,000 before (under the limit; 9.6 s, 107 MB).
        let r = app
            .post(&aliased(50, "__schema { types { name } }"), json!({}), None)
            .await;
        let v = r.json();
        assert_eq!(r.status, 400, "[{engine:?}] {}", v["errors"]);
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX");
        // Over the top-level field cap, whatever the field.
        let r = app
            .post(&aliased(51, "info { version }"), json!({}), None)
            .await;
        let v = r.json();
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX", "[{engine:?}] {v}");
        assert!(v["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("51 top-level fields")));
        // extractSkills is priced by its text: 30 × 90 KB is refused, one is answered.
        let text = "Python and Django, ".repeat(5_000);
        let r = app
            .post(
                &aliased(30, "extractSkills(text: $t) { text }"),
                json!({ "t": text }),
                None,
            )
            .await;
        let v = r.json();
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX", "[{engine:?}] {v}");
        let data = app
            .data(
                "query($t: String!) { extractSkills(text: $t) { text } }",
                json!({ "t": "Python and Django" }),
            )
            .await;
        let labels: Vec<&str> = data["extractSkills"]
            .as_array()
            .expect("mentions")
            .iter()
            .filter_map(|m| m["text"].as_str())
            .collect();
        assert!(labels.contains(&"Python"), "[{engine:?}] {labels:?}");
        // Computed answers: relatedSkills cost 2 each before (2,000 aliases on ESCO: 11.8 s);
        // now 1,500 each (33 fit the default budget of 50,000), reported.
        const PRICE: u64 = 1_500;
        let r = app
            .post(
                &aliased(
                    30,
                    "relatedSkills(skill: { slug: \"python\" }, first: 1) { skill { slug } }",
                ),
                json!({}),
                None,
            )
            .await;
        let v = r.json();
        assert_eq!(r.status, 200, "[{engine:?}] {}", v["errors"]);
        assert!(
            v["extensions"]["cost"]["requested"]
                .as_u64()
                .is_some_and(|c| c >= 30 * PRICE),
            "[{engine:?}] {}",
            v["extensions"]
        );
        let r = app
            .post(
                &aliased(
                    34,
                    "relatedSkills(skill: { slug: \"python\" }, first: 1) { skill { slug } }",
                ),
                json!({}),
                None,
            )
            .await;
        let v = r.json();
        assert_eq!(r.status, 400, "[{engine:?}] {v}");
        assert_eq!(first_code(&v), "QUERY_TOO_COMPLEX");
        // The price shows in the reported cost.
        let r = app
            .post(
                "{ relatedSkills(skill: { slug: \"python\" }, first: 1) { score } }",
                json!({}),
                None,
            )
            .await;
        let v = r.json();
        assert_eq!(r.status, 200, "[{engine:?}] {v}");
        assert!(
            v["extensions"]["cost"]["requested"]
                .as_u64()
                .is_some_and(|c| c >= PRICE),
            "[{engine:?}] {v}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn responses_over_the_size_cap_are_refused_with_a_code() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                max_response_bytes: Some(2_000),
                ..Default::default()
            },
        )
        .await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");
        let r = app
            .post(
                "{ skills(first: 50) { nodes { slug name description } } }",
                json!({}),
                None,
            )
            .await;
        let v = r.json();
        assert!(r.body.len() < 2_000, "[{engine:?}] {} bytes", r.body.len());
        assert_eq!(first_code(&v), "RESPONSE_TOO_LARGE", "[{engine:?}] {v}");
        assert_eq!(v["data"], Value::Null);
        // A small answer passes.
        let data = app
            .data("{ skill(by: { slug: \"python\" }) { name } }", json!({}))
            .await;
        assert_eq!(data["skill"]["name"], "Python");
        app.cleanup().await;
    }
}

const ALIAS: &str =
    "mutation($a: String!) { addSkillAlias(skill: { slug: \"python\" }, alias: $a) { skill { slug } userErrors { code message } } }";

#[tokio::test]
async fn concurrent_mutations_all_succeed() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // 8 concurrent addSkillAlias failed 4 times on SQLite before ("database is locked").
        let requests = (0..50).map(|i| {
            let body =
                json!({ "query": ALIAS, "variables": { "a": format!("concurrent alias {i}") } })
                    .to_string();
            let req = Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", GRJ)
                .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
                .body(Body::from(body))
                .expect("request");
            app.router.clone().oneshot(req)
        });
        let mut failures = Vec::new();
        for r in join_all(requests).await {
            let r = r.expect("response");
            let bytes = http_body_util::BodyExt::collect(r.into_body())
                .await
                .expect("body")
                .to_bytes();
            let v: Value = serde_json::from_slice(&bytes).expect("json");
            if v.get("errors").is_some() {
                failures.push(v);
            }
        }
        assert!(failures.is_empty(), "[{engine:?}] {failures:?}");
        let data = app
            .data(
                "{ skill(by: { slug: \"python\" }) { aliases(first: 100) { nodes { name } } } }",
                json!({}),
            )
            .await;
        let n = data["skill"]["aliases"]["nodes"]
            .as_array()
            .expect("aliases")
            .iter()
            .filter(|a| {
                a["name"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("concurrent alias"))
            })
            .count();
        assert_eq!(n, 50, "[{engine:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_mutation_during_another_writer_waits_then_succeeds() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // Another process (the CLI importer) holds a write transaction for a while.
        let other = db::connect(&app.url, 1).await.expect("connect");
        let txn = db::begin_write(&other).await.expect("begin");
        sea_orm::ConnectionTrait::execute_unprepared(
            &txn,
            "UPDATE skill SET description = 'held by an import' WHERE slug = 'sql'",
        )
        .await
        .expect("write");
        let holder = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(1_500)).await;
            txn.commit().await.expect("commit");
            other.close().await.ok();
        });
        let started = Instant::now();
        let v = app
            .admin(ALIAS, json!({ "a": "written during an import" }))
            .await;
        assert!(v.get("errors").is_none(), "[{engine:?}] {v}");
        assert_eq!(v["data"]["addSkillAlias"]["skill"]["slug"], "python");
        if engine == crate::helpers::Engine::Sqlite {
            // It waited for the lock rather than failing.
            assert!(started.elapsed() >= Duration::from_millis(1_000));
        }
        holder.await.expect("holder");
        let data = app
            .data(
                "{ skill(by: { slug: \"sql\" }) { description } }",
                json!({}),
            )
            .await;
        assert_eq!(data["skill"]["description"], "held by an import");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn get_never_runs_a_mutation() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for q in [
            "mutation M { addSkillAlias(skill: { slug: \"python\" }, alias: \"via get\") { skill { slug } userErrors { code message } } }",
            "mutation { addSkillAlias(skill: { slug: \"python\" }, alias: \"via get\") { skill { slug } userErrors { code message } } }",
            "query Q { info { version } } mutation M { addSkillAlias(skill: { slug: \"python\" }, alias: \"via get\") { skill { slug } userErrors { code message } } }",
        ] {
            let uri = format!(
                "/graphql?{}",
                serde_urlencoded::to_string([("query", q)]).expect("encode")
            );
            let r = app
                .send(
                    Request::get(uri)
                        .header("accept", GRJ)
                        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(r.status, 405, "[{engine:?}] {q}");
            assert_eq!(r.header("allow"), Some("POST"));
            assert_eq!(first_code(&r.json()), "METHOD_NOT_ALLOWED");
        }
        let data = app
            .data(
                "{ skill(by: { slug: \"python\" }) { aliases(first: 100) { nodes { name } } } }",
                json!({}),
            )
            .await;
        assert!(
            !data.to_string().contains("via get"),
            "[{engine:?}] written"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn every_error_response_is_json_with_a_code() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                body_limit_bytes: Some(10_000),
                ..Default::default()
            },
        )
        .await;
        let cases: Vec<(Request<Body>, u16, &str)> = vec![
            // Over the body limit (plain text before).
            (
                post_json(
                    json!({ "query": format!("{{ info {{ version }} }} #{}", "x".repeat(20_000)) })
                        .to_string(),
                    GRJ,
                ),
                413,
                "PAYLOAD_TOO_LARGE",
            ),
            (
                post_json(json!({ "query": "{ info { version } }" }).to_string(), "text/html"),
                406,
                "NOT_ACCEPTABLE",
            ),
            (post_json("{not json".into(), GRJ), 400, "BAD_REQUEST"),
            (
                post_json(json!({ "query": 42 }).to_string(), GRJ),
                400,
                "BAD_REQUEST",
            ),
            (
                post_json(
                    json!({ "query": "{ info { version } }", "extensions": "x" }).to_string(),
                    GRJ,
                ),
                400,
                "BAD_REQUEST",
            ),
            (
                post_json(
                    json!({ "query": "query { search(query: $s) { edges { score } } }" }).to_string(),
                    GRJ,
                ),
                400,
                "BAD_USER_INPUT",
            ),
            (
                post_json(json!({ "query": "{ nope }" }).to_string(), GRJ),
                400,
                "GRAPHQL_VALIDATION_FAILED",
            ),
            (
                post_json(
                    json!({ "query": "query($w: DateRange!) { market { demand(skill: { slug: \"python\" }, window: $w) { __typename } } }",
                            "variables": { "w": { "from": "2026-02-31", "to": "2026-03-01" } } })
                    .to_string(),
                    GRJ,
                ),
                // Execution had begun (the scalar is read by its resolver): 200, data null.
                200,
                "BAD_USER_INPUT",
            ),
            (
                Request::get("/nowhere").body(Body::empty()).expect("request"),
                404,
                "NOT_FOUND",
            ),
            (
                Request::delete("/graphql").body(Body::empty()).expect("request"),
                405,
                "METHOD_NOT_ALLOWED",
            ),
        ];
        for (req, status, code) in cases {
            let what = format!("{} {}", req.method(), req.uri());
            let r = app.send(req).await;
            assert_eq!(
                r.status,
                status,
                "[{engine:?}] {what}: {}",
                String::from_utf8_lossy(&r.body)
            );
            assert!(
                r.header("content-type").is_some_and(|c| c.contains("json")),
                "[{engine:?}] {what}"
            );
            assert_eq!(first_code(&r.json()), code, "[{engine:?}] {what}");
        }
        // Under legacy application/json, request errors are 200, still coded.
        let r = app
            .send(post_json(
                json!({ "query": "query { search(query: $s) { edges { score } } }" }).to_string(),
                "application/json",
            ))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(first_code(&r.json()), "BAD_USER_INPUT");
        // A parse error names the place and does not echo the document.
        let long = format!("{{ info {{ version }} {} !", "a ".repeat(3_000));
        let r = app
            .send(post_json(json!({ "query": long }).to_string(), GRJ))
            .await;
        assert_eq!(r.status, 400);
        let v = r.json();
        assert_eq!(first_code(&v), "GRAPHQL_PARSE_FAILED");
        assert!(r.body.len() < 1_000, "{} bytes: {v}", r.body.len());
        assert_eq!(v["errors"][0]["locations"][0]["line"], 1);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn bearer_scheme_is_case_insensitive_and_request_ids_are_checked() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for scheme in ["BEARER", "bearer", "Bearer"] {
            let body = json!({ "query": ALIAS, "variables": { "a": format!("by {scheme}") } });
            let r = app
                .send(
                    Request::post("/graphql")
                        .header("content-type", "application/json")
                        .header("authorization", format!("{scheme} {ADMIN_TOKEN}"))
                        .body(Body::from(body.to_string()))
                        .expect("request"),
                )
                .await;
            let v = r.json();
            assert_eq!(
                v["data"]["addSkillAlias"]["skill"]["slug"], "python",
                "[{engine:?}] {scheme}: {v}"
            );
        }
        let id = |value: &str| {
            Request::get("/healthz")
                .header("x-request-id", value)
                .body(Body::empty())
                .expect("request")
        };
        let r = app.send(id("abc-123_X.y")).await;
        assert_eq!(r.header("x-request-id"), Some("abc-123_X.y"));
        let long = "a".repeat(5_000);
        let r = app.send(id(&long)).await;
        let got = r.header("x-request-id").expect("an id").to_owned();
        assert!(got.len() <= 64 && got != long, "[{engine:?}] {got}");
        let r = app.send(id("a\tb")).await;
        assert_ne!(r.header("x-request-id"), Some("a\tb"));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn readyz_needs_the_database_and_every_migration() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let get = |p: &str| Request::get(p).body(Body::empty()).expect("request");
        let r = app.send(get("/readyz")).await;
        assert_eq!(r.status, 200, "[{engine:?}]");
        assert_eq!(r.json()["status"], "ready");
        // Forget the last migration: not ready.
        sea_orm::ConnectionTrait::execute_unprepared(
            &app.db,
            "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
        )
        .await
        .expect("delete");
        let r = app.send(get("/readyz")).await;
        assert_eq!(r.status, 503, "[{engine:?}]");
        let v = r.json();
        assert_eq!(v["reason"], "1 migrations not applied");
        assert_eq!(first_code(&v), "UNAVAILABLE");
        // Liveness does not depend on migrations.
        assert_eq!(app.send(get("/healthz")).await.status, 200);
        app.cleanup().await;
    }
}

fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_cover_operations_errors_pool_and_caches() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        app.data(
            "query Lookup { skill(by: { slug: \"python\" }) { name } }",
            json!({}),
        )
        .await;
        app.data(
            "query Lookup { skill(by: { slug: \"sql\" }) { name } }",
            json!({}),
        )
        .await;
        app.data(
            "{ search(query: \"djnago\") { edges { score } } }",
            json!({}),
        )
        .await;
        app.post("{ nope }", json!({}), None).await;
        app.post("{ broken", json!({}), None).await;
        let r = app
            .send(
                Request::get("/metrics")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, 200);
        let text = String::from_utf8(r.body).expect("utf-8");
        assert_eq!(
            metric(
                &text,
                "skillgraph_graphql_request_duration_seconds_count{operation=\"Lookup\"}"
            ),
            Some(2.0),
            "[{engine:?}] {text}"
        );
        assert_eq!(
            metric(
                &text,
                "skillgraph_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            metric(
                &text,
                "skillgraph_errors_total{code=\"GRAPHQL_PARSE_FAILED\"}"
            ),
            Some(1.0)
        );
        assert_eq!(
            metric(&text, "skillgraph_cache_rebuilds_total{cache=\"search\"}"),
            Some(1.0)
        );
        assert!(metric(&text, "skillgraph_db_pool_connections_idle").is_some_and(|n| n >= 1.0));
        assert!(metric(&text, "skillgraph_db_pool_connections_in_use").is_some());
        assert!(metric(&text, "skillgraph_sql_errors_total").is_some());
        assert_eq!(
            metric(&text, "skillgraph_http_responses_total{status=\"200\"}"),
            Some(3.0),
            "[{engine:?}] {text}"
        );
        app.cleanup().await;
    }
}

mod ws {
    //! The WebSocket endpoint under the HTTP limits.
    use std::time::Duration;

    use futures_util::{SinkExt, StreamExt};
    use serde_json::{json, Value};
    use skillgraph::config::{ConfigLayer, Secret};
    use tokio_tungstenite::tungstenite::{
        client::IntoClientRequest, http::HeaderValue, protocol::frame::coding::CloseCode, Message,
    };

    use crate::helpers::{engines, TestApp, ADMIN_TOKEN};

    type Ws = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    async fn connect(app: &TestApp) -> Ws {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = app.router.clone();
        tokio::spawn(async move {
            axum::serve(listener, router).await.ok();
        });
        let mut req = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .expect("request");
        req.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        tokio_tungstenite::connect_async(req)
            .await
            .expect("connect")
            .0
    }

    /// The next frame that is not a ping: a text message as JSON, or the close code.
    async fn next(ws: &mut Ws) -> Result<Value, Option<u16>> {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .expect("a frame within 5 s");
            match msg {
                Some(Ok(Message::Text(t))) => {
                    return Ok(serde_json::from_str(t.as_str()).expect("JSON"))
                }
                Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(None),
            }
        }
    }

    async fn app(engine: crate::helpers::Engine) -> TestApp {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                body_limit_bytes: Some(20_000),
                ws_init_timeout_secs: Some(1),
                ..Default::default()
            },
        )
        .await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");
        app
    }

    async fn send(ws: &mut Ws, v: Value) {
        ws.send(Message::text(v.to_string())).await.expect("send");
    }

    #[tokio::test]
    async fn a_socket_without_connection_init_is_closed_with_4408() {
        for engine in engines() {
            let app = app(engine).await;
            let mut ws = connect(&app).await;
            // It stayed open forever before.
            assert_eq!(next(&mut ws).await, Err(Some(4408)), "[{engine:?}]");
            app.cleanup().await;
        }
    }

    #[tokio::test]
    async fn subscribe_before_init_is_closed_with_4401() {
        for engine in engines() {
            let app = app(engine).await;
            let mut ws = connect(&app).await;
            send(
                &mut ws,
                json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ info { version } }" } }),
            )
            .await;
            // 1011 before.
            assert_eq!(next(&mut ws).await, Err(Some(4401)), "[{engine:?}]");
            assert_ne!(CloseCode::from(4401), CloseCode::Error);
            app.cleanup().await;
        }
    }

    #[tokio::test]
    async fn websocket_requests_get_the_http_limits() {
        for engine in engines() {
            let app = app(engine).await;
            let mut ws = connect(&app).await;
            send(&mut ws, json!({ "type": "connection_init", "payload": {} })).await;
            assert_eq!(next(&mut ws).await.expect("ack")["type"], "connection_ack");
            // A query still runs, with its answer.
            send(
                &mut ws,
                json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ skill(by: { slug: \"python\" }) { name } }" } }),
            )
            .await;
            let m = next(&mut ws).await.expect("next");
            assert_eq!(
                m["payload"]["data"]["skill"]["name"], "Python",
                "[{engine:?}] {m}"
            );
            // The fragment bomb is refused by the budget, as over HTTP.
            send(
                &mut ws,
                json!({ "id": "b", "type": "subscribe", "payload": { "query": super::fragment_bomb(10, 9) } }),
            )
            .await;
            let m = loop {
                let m = next(&mut ws).await.expect("an answer");
                if m["id"] == "b" {
                    break m;
                }
            };
            let errors = if m["type"] == "error" {
                m["payload"].clone()
            } else {
                m["payload"]["errors"].clone()
            };
            assert_eq!(
                errors[0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
                "[{engine:?}] {m}"
            );
            // A message over the body limit closes the socket (11.3 MB ran before).
            let big = format!("{{ info {{ version }} }} #{}", "x".repeat(30_000));
            send(
                &mut ws,
                json!({ "id": "c", "type": "subscribe", "payload": { "query": big } }),
            )
            .await;
            let end = loop {
                match next(&mut ws).await {
                    Ok(m) if m["id"] == "c" => panic!("[{engine:?}] the big query ran: {m}"),
                    Ok(_) => continue,
                    Err(code) => break code,
                }
            };
            assert_ne!(end, Some(1000), "[{engine:?}]");
            app.cleanup().await;
        }
    }
}

#[tokio::test]
async fn a_request_stuck_past_the_timeout_is_answered_408_and_writes_nothing() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                request_timeout_secs: Some(1),
                ..Default::default()
            },
        )
        .await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");
        // Another writer holds what the mutation needs (SQLite: the write lock; PostgreSQL:
        // the skill's row, which the alias's foreign key must share-lock).
        let other = db::connect(&app.url, 1).await.expect("connect");
        let txn = db::begin_write(&other).await.expect("begin");
        let hold = match engine {
            crate::helpers::Engine::Sqlite => {
                "UPDATE skill SET description = description WHERE slug = 'python'"
            }
            crate::helpers::Engine::Postgres => {
                "SELECT id FROM skill WHERE slug = 'python' FOR UPDATE"
            }
        };
        sea_orm::ConnectionTrait::execute_unprepared(&txn, hold)
            .await
            .expect("hold");
        let started = Instant::now();
        let r = app
            .post(ALIAS, json!({ "a": "too late" }), Some(ADMIN_TOKEN))
            .await;
        let took = started.elapsed();
        assert_eq!(
            r.status,
            408,
            "[{engine:?}] {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(first_code(&r.json()), "TIMEOUT");
        assert!(took < Duration::from_secs(5), "[{engine:?}] {took:?}");
        txn.rollback().await.expect("rollback");
        other.close().await.ok();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let data = app
            .data(
                "{ skill(by: { slug: \"python\" }) { aliases(first: 100) { nodes { name } } } }",
                json!({}),
            )
            .await;
        assert!(
            !data.to_string().contains("too late"),
            "[{engine:?}] {data}"
        );
        app.cleanup().await;
    }
}

/// The in-flight cost budget (`max_cost_in_flight`): requests over it wait their turn and are
/// all served; one that waits longer than `queue_timeout_secs` is refused with OVERLOADED
/// (503, `Retry-After`) without running.
#[tokio::test]
async fn requests_over_the_cost_in_flight_wait_their_turn_or_are_refused_overloaded() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                // Every request takes the whole budget: they run one at a time.
                max_cost_in_flight: Some(1),
                queue_timeout_secs: Some(1),
                ..Default::default()
            },
        )
        .await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");
        let q = "{ skills(first: 20) { nodes { slug } } }";
        let answers = join_all((0..12).map(|_| app.post(q, json!({}), None))).await;
        for r in &answers {
            assert_eq!(r.status, 200, "[{engine:?}] {:?}", r.json());
            let nodes = r.json()["data"]["skills"]["nodes"].clone();
            assert_eq!(nodes.as_array().map(Vec::len), Some(20), "[{engine:?}]");
        }

        // A mutation that waits for another writer holds the budget meanwhile.
        let other = db::connect(&app.url, 1).await.expect("connect");
        let txn = db::begin_write(&other).await.expect("begin");
        let hold = match engine {
            crate::helpers::Engine::Sqlite => {
                "UPDATE skill SET description = description WHERE slug = 'python'"
            }
            crate::helpers::Engine::Postgres => {
                "SELECT id FROM skill WHERE slug = 'python' FOR UPDATE"
            }
        };
        sea_orm::ConnectionTrait::execute_unprepared(&txn, hold)
            .await
            .expect("hold");
        let router = app.router.clone();
        let body = json!({ "query": ALIAS, "variables": { "a": "after the queue" } }).to_string();
        let mutation = tokio::spawn(async move {
            let req = Request::post("/graphql")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
                .body(Body::from(body))
                .expect("request");
            crate::helpers::send_to(&router, req).await
        });
        // Until the mutation has its turn, a read may still get in first; then it is refused.
        let mut refused = None;
        for _ in 0..50 {
            let r = app.post("{ info { version } }", json!({}), None).await;
            if r.status == 503 {
                refused = Some(r);
                break;
            }
            assert_eq!(r.status, 200, "[{engine:?}] {:?}", r.json());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let r = refused.unwrap_or_else(|| panic!("[{engine:?}] never refused"));
        assert_eq!(first_code(&r.json()), "OVERLOADED", "[{engine:?}]");
        assert!(
            r.json().get("data").is_none(),
            "[{engine:?}] {:?}",
            r.json()
        );
        assert_eq!(r.header("retry-after"), Some("1"), "[{engine:?}]");
        txn.rollback().await.expect("rollback");
        other.close().await.ok();
        let done = mutation.await.expect("mutation");
        assert_eq!(done.status, 200, "[{engine:?}]");
        assert_eq!(
            done.json()["data"]["addSkillAlias"]["skill"]["slug"],
            "python",
            "[{engine:?}] {:?}",
            done.json()
        );
        let r = app.post("{ info { version } }", json!({}), None).await;
        assert_eq!(r.status, 200, "[{engine:?}]");
        app.cleanup().await;
    }
}
