//! Persisted operations (Apollo's APQ protocol and the `--persisted-only` allow-list, stored in
//! the database so every instance shares them) and HTTP caching of GET answers (ETag from the
//! data version, 304 on If-None-Match), on both engines.
use axum::{body::Body, http::Request, Router};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::{
    config::{Config, ConfigLayer, Secret},
    db, persisted, AppState,
};

use crate::helpers::{engines, first_code, send_to as send, TestApp, ADMIN_TOKEN};

const QUERY: &str = "{ skill(by: { slug: \"python\" }) { name } }";

/// Another instance over the same database.
async fn instance(app: &TestApp, persisted_only: bool) -> Router {
    let layer = ConfigLayer {
        database_url: Some(app.url.clone()),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        persisted_only: Some(persisted_only),
        ..Default::default()
    };
    let config = Config::build(&[layer])
        .map_err(|e| e.detail())
        .expect("config");
    let conn = db::connect(&app.url, 2).await.expect("connect");
    skillgraph::app(AppState::new(conn, config))
}

fn post(body: Value) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn get(params: &[(&str, String)], headers: &[(&str, &str)]) -> Request<Body> {
    let q = serde_urlencoded::to_string(params).expect("encode");
    let mut b = Request::get(format!("/graphql?{q}")).header("accept", "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).expect("request")
}

fn pq(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn automatic_persisted_queries_are_shared_by_instances() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let a = instance(&app, false).await;
        let b = instance(&app, false).await;
        let hash = persisted::hash(QUERY);

        // The hash alone, unknown: Apollo clients look for this message and code.
        let r = send(&a, post(json!({ "extensions": pq(&hash) }))).await;
        let v = r.json();
        assert_eq!(v["errors"][0]["message"], "PersistedQueryNotFound", "{v}");
        assert_eq!(first_code(&v), "PERSISTED_QUERY_NOT_FOUND");
        assert!(v.get("data").is_none());

        // Hash and text: runs, and is remembered in the database.
        let r = send(&a, post(json!({ "query": QUERY, "extensions": pq(&hash) }))).await;
        assert_eq!(r.json()["data"]["skill"]["name"], "Python", "{}", r.json());

        // The other instance knows it, by POST and by GET.
        let r = send(&b, post(json!({ "extensions": pq(&hash) }))).await;
        assert_eq!(r.json()["data"]["skill"]["name"], "Python", "{}", r.json());
        let r = send(&b, get(&[("extensions", pq(&hash).to_string())], &[])).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["data"]["skill"]["name"], "Python");

        // A text that is not the hash's, a malformed hash, an unknown version.
        let r = send(
            &a,
            post(json!({ "query": "{ __typename }", "extensions": pq(&hash) })),
        )
        .await;
        assert_eq!(first_code(&r.json()), "PERSISTED_QUERY_HASH_MISMATCH");
        let r = send(&a, post(json!({ "extensions": pq("not-a-hash") }))).await;
        assert_eq!(first_code(&r.json()), "BAD_REQUEST");
        let r = send(
            &a,
            post(
                json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
            ),
        )
        .await;
        assert_eq!(first_code(&r.json()), "BAD_REQUEST");
        let r = send(&a, post(json!({}))).await;
        assert_eq!(first_code(&r.json()), "BAD_REQUEST");

        let stored = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT COUNT(*) AS n FROM persisted_operation".to_owned(),
            ))
            .await
            .expect("count")
            .expect("row");
        assert_eq!(stored.try_get::<i64>("", "n").expect("n"), 1);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn persisted_only_runs_registered_operations_alone() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let strict = instance(&app, true).await;
        let other = "{ role(by: { slug: \"backend-developer\" }) { name } }";

        // Nothing registered: neither text nor hash runs, and a client cannot register one.
        let r = send(&strict, post(json!({ "query": QUERY }))).await;
        assert_eq!(first_code(&r.json()), "PERSISTED_QUERY_NOT_ALLOWED");
        let hash = persisted::hash(QUERY);
        let r = send(
            &strict,
            post(json!({ "query": QUERY, "extensions": pq(&hash) })),
        )
        .await;
        assert_eq!(first_code(&r.json()), "PERSISTED_QUERY_NOT_ALLOWED");

        // Registered (as `skillgraph persist` does), after this instance cached the refusal.
        let (h, new) = persisted::register(&app.db, QUERY)
            .await
            .map_err(|e| e.detail())
            .expect("register");
        assert_eq!((h.as_str(), new), (hash.as_str(), true));
        let (_, again) = persisted::register(&app.db, QUERY)
            .await
            .map_err(|e| e.detail())
            .expect("register");
        assert!(!again, "registering twice is idempotent");
        let r = send(&strict, post(json!({ "query": QUERY }))).await;
        assert_eq!(r.json()["data"]["skill"]["name"], "Python", "{}", r.json());
        let r = send(&strict, get(&[("extensions", pq(&hash).to_string())], &[])).await;
        assert_eq!(r.json()["data"]["skill"]["name"], "Python", "{}", r.json());
        let r = send(&strict, post(json!({ "query": other }))).await;
        assert_eq!(first_code(&r.json()), "PERSISTED_QUERY_NOT_ALLOWED");

        // A document that does not parse is not registered.
        let bad = persisted::register(&app.db, "{ skill(").await;
        assert!(matches!(
            bad,
            Err(skillgraph::error::AppError::Validation(_))
        ));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn get_answers_validate_on_the_data_version() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let params = [("query", QUERY.to_owned())];

        let r = app.send(get(&params, &[])).await;
        assert_eq!(r.status, 200);
        let tag = r.header("etag").expect("an ETag").to_owned();
        assert!(tag.starts_with("W/\"d"), "{tag}");
        assert_eq!(r.header("cache-control"), Some("public, no-cache"));
        assert!(r.header("vary").is_some_and(|v| v.contains("Accept")));

        // Unchanged data: 304, no body, no query run.
        app.reset_statements();
        let r = app.send(get(&params, &[("if-none-match", &tag)])).await;
        assert_eq!(r.status, 304);
        assert!(r.body.is_empty());
        assert_eq!(r.header("etag"), Some(tag.as_str()));
        let (n, sql) = app.statements();
        assert_eq!(n, 1, "only the version is read: {sql:?}");

        // Another response type is another representation.
        let r = app
            .send(
                Request::get(format!(
                    "/graphql?{}",
                    serde_urlencoded::to_string(&params).expect("q")
                ))
                .header("accept", "application/graphql-response+json")
                .header("if-none-match", &tag)
                .body(Body::empty())
                .expect("request"),
            )
            .await;
        assert_eq!(r.status, 200);

        // A write anywhere (here a posting, which no label trigger sees) moves the version.
        app.admin_ok(
            "mutation { upsertJobPosting(input: { source: \"test\", externalId: \"etag-1\", title: \"Python Developer\", postedDate: \"2026-11-01\", description: \"Python and Django\" }) { jobPosting { id } userErrors { code message } } }",
            json!({}),
        )
        .await;
        let r = app.send(get(&params, &[("if-none-match", &tag)])).await;
        assert_eq!(r.status, 200);
        let fresh = r.header("etag").expect("an ETag").to_owned();
        assert_ne!(fresh, tag);

        // Credentials: only the browser may keep it. Errors and POSTs are not cached.
        let r = app
            .send(get(
                &params,
                &[("authorization", &format!("Bearer {ADMIN_TOKEN}"))],
            ))
            .await;
        assert_eq!(r.header("cache-control"), Some("private, no-cache"));
        let r = app
            .send(get(
                &[(
                    "query",
                    "{ skill(by: { slug: \"nope\", id: \"x\" }) { name } }".to_owned(),
                )],
                &[],
            ))
            .await;
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert!(r.header("etag").is_none());
        let r = app.post(QUERY, json!({}), None).await;
        assert!(r.header("etag").is_none());
        app.cleanup().await;
    }
}

#[tokio::test]
async fn every_data_table_moves_the_data_version() {
    // A table a read can show but no trigger watches would let caches serve stale answers.
    // related_list: derived, stamped with the data version it was counted at.
    const EXEMPT: &[&str] = &[
        "graph_version",
        "persisted_operation",
        "seaql_migrations",
        "api_key",
        "api_key_usage",
        "related_list",
    ];
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        let sql = match app.backend() {
            sea_orm::DbBackend::Postgres => {
                "SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind = 'r' AND n.nspname = current_schema() \
                 AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid \
                 AND g.tgname LIKE 'sg_data_version_%')"
            }
            _ => {
                "SELECT name AS t FROM sqlite_master m WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND NOT EXISTS (SELECT 1 FROM sqlite_master g \
                 WHERE g.type = 'trigger' AND g.tbl_name = m.name AND g.name LIKE 'sg_data_version_%')"
            }
        };
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.backend(),
                sql.to_owned(),
            ))
            .await
            .expect("tables");
        let mut missing: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "t").expect("t"))
            .filter(|t| !EXEMPT.contains(&t.as_str()))
            .collect();
        missing.sort();
        assert!(
            missing.is_empty(),
            "[{engine:?}] tables without a data-version trigger: {missing:?}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn persisted_only_holds_on_websockets_too() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        persisted::register(&app.db, QUERY)
            .await
            .map_err(|e| e.detail())
            .expect("register");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let strict = instance(&app, true).await;
        tokio::spawn(async move { axum::serve(listener, strict).await.ok() });

        let mut req = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .expect("request");
        req.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .expect("connect");
        ws.send(Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .expect("init");
        let mut answers = Vec::new();
        for (id, q) in [
            (
                "1",
                "{ role(by: { slug: \"backend-developer\" }) { name } }",
            ),
            ("2", QUERY),
        ] {
            ws.send(Message::text(
                json!({ "id": id, "type": "subscribe", "payload": { "query": q } }).to_string(),
            ))
            .await
            .expect("subscribe");
        }
        while answers.len() < 3 {
            let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
                .await
                .expect("a message within 10 s")
                .expect("open")
                .expect("message");
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(t.as_str()).expect("JSON");
                if v["type"] != "complete" {
                    answers.push(v);
                }
            }
        }
        let text = Value::Array(answers).to_string();
        assert!(
            text.contains("PERSISTED_QUERY_NOT_ALLOWED"),
            "[{engine:?}] an unregistered document is refused: {text}"
        );
        assert!(
            text.contains("\"Python\""),
            "[{engine:?}] a registered one runs: {text}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_persist_command_registers_files_all_or_nothing() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let dir = tempfile::tempdir().expect("dir");
        let good = dir.path().join("python.graphql");
        let bad = dir.path().join("broken.graphql");
        std::fs::write(&good, QUERY).expect("write");
        std::fs::write(&bad, "{ skill(").expect("write");
        let run = |files: &[&std::path::Path]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
                .arg("--database-url")
                .arg(&app.url)
                .arg("persist")
                .args(files)
                .output()
                .expect("run skillgraph persist")
        };
        let count = async || {
            app.db
                .query_one_raw(sea_orm::Statement::from_string(
                    app.backend(),
                    "SELECT COUNT(*) AS n FROM persisted_operation WHERE registered".to_owned(),
                ))
                .await
                .expect("count")
                .expect("row")
                .try_get::<i64>("", "n")
                .expect("n")
        };

        let out = run(&[&good, &bad]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("broken.graphql"), "names the file: {err}");
        assert_eq!(count().await, 0, "a bad file registers none");

        let out = run(&[&good]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&persisted::hash(QUERY)), "{text}");
        assert_eq!(count().await, 1);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_shipped_operations_run() {
    // ops/*.graphql are what README's `skillgraph persist ops/*.graphql` registers.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ops");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("ops/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "graphql"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for f in &files {
            let q = std::fs::read_to_string(f).expect("read");
            let data = app.data(&q, json!({ "slug": "python" })).await;
            assert!(
                data.as_object()
                    .is_some_and(|o| o.values().all(|v| !v.is_null())),
                "{}: {data}",
                f.display()
            );
        }
        app.cleanup().await;
    }
}
