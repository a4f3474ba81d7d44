//! Issue #15 point 5: API keys made by the command line (stored hashed), scopes per mutation
//! kind, revocation, `--require-key`, and a cost budget per window shared by instances
//! (429 + `Retry-After` + RATE_LIMITED, `rateLimit` and `extensions.rateLimit`).
use std::time::Duration;

use axum::{body::Body, http::Request, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use skillgraph::{
    config::{Config, ConfigLayer, Secret},
    db, AppState,
};

use crate::helpers::{engines, first_code, send_to, Response, TestApp, ADMIN_TOKEN};

const CREATE_SKILL: &str =
    "mutation($i: CreateSkillInput!) { createSkill(input: $i) { skill { slug } } }";
const CREATE_POSTING: &str =
    "mutation($i: UpsertJobPostingInput!) { upsertJobPosting(input: $i) { jobPosting { externalId } } }";
const READ: &str = "{ skill(by: { slug: \"python\" }) { name } }";
/// `__type` is priced (50) on the parsed document: the charge must include that price.
const RATE: &str = "{ rateLimit { limit cost remaining resetAt used } skill(by: { slug: \"python\" }) { name } __type(name: \"Skill\") { name } }";

fn skill(slug: &str) -> Value {
    json!({ "i": { "slug": slug, "name": slug, "kind": "LANGUAGE" } })
}

fn posting(id: &str) -> Value {
    json!({ "i": { "source": "manual", "externalId": id, "title": "Python developer",
        "postedDate": "2026-11-01", "requiredSkills": [{ "slug": "python" }] } })
}

/// Runs the real binary's `keys` command over the test database; returns its stdout.
fn keys_cli(app: &TestApp, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .arg("--database-url")
        .arg(&app.url)
        .arg("keys")
        .args(args)
        .output()
        .expect("run skillgraph keys");
    assert!(
        out.status.success(),
        "skillgraph keys {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Creates a key through the library function the command calls; returns the secret.
async fn create_key(app: &TestApp, name: &str, scopes: &str, budget: Option<(i64, i64)>) -> String {
    let action = skillgraph::cli::KeysAction::Create {
        name: name.to_owned(),
        scopes: scopes.to_owned(),
        budget: budget.map(|b| b.0),
        window_secs: budget.map(|b| b.1),
    };
    let out = skillgraph::cli::keys(&app.db, &action)
        .await
        .map_err(|e| e.detail())
        .expect("create key");
    secret_of(&out)
}

fn secret_of(out: &str) -> String {
    out.lines()
        .find(|l| l.starts_with("sg_"))
        .unwrap_or_else(|| panic!("no key in {out}"))
        .trim()
        .to_owned()
}

/// Another instance over the same database.
async fn instance(app: &TestApp) -> Router {
    let layer = ConfigLayer {
        database_url: Some(app.url.clone()),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        ..Default::default()
    };
    let config = Config::build(&[layer])
        .map_err(|e| e.detail())
        .expect("config");
    let conn = db::connect(&app.url, 3).await.expect("connect");
    skillgraph::app(AppState::new(conn, config))
}

fn post(query: &str, token: &str) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(json!({ "query": query }).to_string()))
        .expect("request")
}

async fn rows(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    use sea_orm::ConnectionTrait;
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
}

/// When less than `margin` is left of the current window of `secs` seconds, sleeps until the
/// next one begins, so a test's requests fall in one window.
async fn fresh_window(secs: u64, margin: Duration) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    let into = Duration::from_millis((now.as_millis() % (u128::from(secs) * 1000)) as u64);
    let left = Duration::from_secs(secs) - into;
    if left < margin {
        tokio::time::sleep(left + Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn keys_are_created_once_stored_hashed_listed_and_revoked() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let out = keys_cli(
            &app,
            &[
                "create",
                "--name",
                "reporting",
                "--scopes",
                "read,write:catalog",
            ],
        );
        let key = secret_of(&out);
        let (id, secret) = key
            .strip_prefix("sg_")
            .and_then(|r| r.split_once('_'))
            .expect("sg_<id>_<secret>");
        assert_eq!(secret.len(), 64, "256 random bits in hex: {key}");
        let stored = rows(&app, "SELECT id, name, prefix, hash, scopes FROM api_key").await;
        assert_eq!(stored.len(), 1);
        let r = &stored[0];
        let hash: String = r.try_get("", "hash").expect("hash");
        assert_eq!(hash, hex::encode(Sha256::digest(secret.as_bytes())));
        assert_eq!(r.try_get::<i64>("", "id").expect("id").to_string(), id);
        assert_eq!(
            r.try_get::<String>("", "scopes").expect("s"),
            "read,write:catalog"
        );
        for col in ["name", "prefix", "hash", "scopes"] {
            let v: String = r.try_get("", col).expect("col");
            assert!(!v.contains(secret), "[{engine:?}] {col} holds the secret");
        }

        // The key works for what its scopes allow.
        let ok = app
            .post(CREATE_SKILL, skill("keys-lang-a"), Some(&key))
            .await;
        assert_eq!(ok.status, 200);
        assert_eq!(
            ok.json()["data"]["createSkill"]["skill"]["slug"],
            "keys-lang-a"
        );

        let listed = keys_cli(&app, &["list"]);
        assert!(
            listed.contains("reporting") && listed.contains("active"),
            "{listed}"
        );
        assert!(
            listed.contains(&format!("sg_{id}_{}", &secret[..6])),
            "{listed}"
        );
        assert!(!listed.contains(secret), "list shows the secret: {listed}");
        assert!(listed.contains("read,write:catalog"), "{listed}");

        let revoked = keys_cli(&app, &["revoke", id]);
        assert!(revoked.contains("revoked"), "{revoked}");
        assert!(keys_cli(&app, &["list"]).contains("revoked"));
        for query in [READ, CREATE_SKILL] {
            let r = app.post(query, skill("keys-lang-b"), Some(&key)).await;
            assert_eq!(r.status, 401, "[{engine:?}] revoked key: {:?}", r.json());
            assert_eq!(first_code(&r.json()), "UNAUTHENTICATED");
            assert_eq!(r.header("www-authenticate"), Some("Bearer"));
            assert!(r.json().get("data").is_none());
        }
        // A made-up key of the right shape, and a malformed one, are refused alike.
        for bad in [format!("sg_{id}_{}", "0".repeat(64)), "sg_nope".to_owned()] {
            let r = app.post(READ, json!({}), Some(&bad)).await;
            assert_eq!(r.status, 401, "[{engine:?}] {bad}");
            assert_eq!(first_code(&r.json()), "UNAUTHENTICATED");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn scopes_are_enforced_per_mutation_kind_and_the_admin_token_has_them_all() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let catalog = create_key(&app, "curator", "write:catalog", None).await;
        let postings = create_key(&app, "feed", "write:postings", None).await;
        let reader = create_key(&app, "reader", "read", None).await;

        let r = app
            .post(CREATE_SKILL, skill("keys-lang-a"), Some(&catalog))
            .await
            .json();
        assert_eq!(
            r["data"]["createSkill"]["skill"]["slug"], "keys-lang-a",
            "[{engine:?}] {r}"
        );
        let r = app
            .post(CREATE_POSTING, posting("P-1"), Some(&catalog))
            .await
            .json();
        assert_eq!(first_code(&r), "FORBIDDEN", "[{engine:?}] {r}");
        assert!(r["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("write:postings"));

        let r = app
            .post(CREATE_POSTING, posting("P-1"), Some(&postings))
            .await
            .json();
        assert_eq!(
            r["data"]["upsertJobPosting"]["jobPosting"]["externalId"], "P-1",
            "[{engine:?}] {r}"
        );
        let r = app
            .post(CREATE_SKILL, skill("keys-lang-b"), Some(&postings))
            .await
            .json();
        assert_eq!(first_code(&r), "FORBIDDEN", "[{engine:?}] {r}");

        for key in [&reader] {
            let r = app
                .post(CREATE_SKILL, skill("keys-lang-b"), Some(key))
                .await
                .json();
            assert_eq!(first_code(&r), "FORBIDDEN");
        }
        let r = app
            .post(CREATE_SKILL, skill("keys-lang-b"), None)
            .await
            .json();
        assert_eq!(first_code(&r), "UNAUTHENTICATED");

        // The admin token (the bootstrap) holds every scope.
        let d = app.admin_ok(CREATE_SKILL, skill("keys-lang-b")).await;
        assert_eq!(d["createSkill"]["skill"]["slug"], "keys-lang-b");
        let d = app.admin_ok(CREATE_POSTING, posting("P-2")).await;
        assert_eq!(d["upsertJobPosting"]["jobPosting"]["externalId"], "P-2");

        // Only the allowed writes happened.
        let n = rows(
            &app,
            "SELECT slug FROM skill WHERE slug IN ('keys-lang-a', 'keys-lang-b')",
        )
        .await;
        assert_eq!(n.len(), 2);
        let n = rows(
            &app,
            "SELECT external_id FROM job_posting WHERE source = 'manual'",
        )
        .await;
        assert_eq!(n.len(), 2);

        // Without a budget there is no rateLimit to report.
        let r = app.post(RATE, json!({}), Some(&reader)).await.json();
        assert_eq!(r["data"]["rateLimit"], Value::Null, "{r}");
        assert!(r["extensions"].get("rateLimit").is_none());
        app.cleanup().await;
    }
}

#[tokio::test]
async fn require_key_refuses_anonymous_reads() {
    for engine in engines() {
        let app = TestApp::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                require_key: Some(true),
                ..Default::default()
            },
        )
        .await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");
        let reader = create_key(&app, "reader", "read", None).await;
        let writer = create_key(&app, "writer", "write:catalog", None).await;

        let r = app.post(READ, json!({}), None).await;
        assert_eq!(r.status, 401, "[{engine:?}] {:?}", r.json());
        assert_eq!(first_code(&r.json()), "UNAUTHENTICATED");
        let r = app.post(READ, json!({}), Some(&writer)).await;
        assert_eq!(r.status, 403, "[{engine:?}] {:?}", r.json());
        assert_eq!(first_code(&r.json()), "FORBIDDEN");
        for token in [reader.as_str(), ADMIN_TOKEN] {
            let r = app.post(READ, json!({}), Some(token)).await;
            assert_eq!(r.status, 200);
            assert_eq!(r.json()["data"]["skill"]["name"], "Python");
        }
        app.cleanup().await;
    }
}

/// `extensions.rateLimit` of a response.
fn ext_rate(r: &Response) -> Value {
    r.json()["extensions"]["rateLimit"].clone()
}

#[tokio::test]
async fn a_budget_drains_answers_429_with_retry_after_and_resets_in_the_next_window() {
    const WINDOW: i64 = 3;
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // What the query costs, measured with a key of a large budget.
        let probe = create_key(&app, "probe", "read", Some((1_000_000, 3600))).await;
        let r = app.post(RATE, json!({}), Some(&probe)).await;
        let cost = r.json()["data"]["rateLimit"]["cost"]
            .as_i64()
            .expect("cost");
        assert_eq!(
            i64::try_from(
                r.json()["extensions"]["cost"]["requested"]
                    .as_u64()
                    .expect("requested")
            )
            .expect("fits"),
            cost,
            "the charge is the request's cost"
        );
        assert!(cost > 50, "the price of __type is charged: {cost}");
        // Room for exactly three requests.
        let budget = 3 * cost + cost / 2;
        let key = create_key(&app, "metered", "read", Some((budget, WINDOW))).await;

        fresh_window(WINDOW as u64, Duration::from_secs(WINDOW as u64)).await;
        let mut reset = None;
        for n in 1..=3 {
            let r = app.post(RATE, json!({}), Some(&key)).await;
            assert_eq!(r.status, 200, "[{engine:?}] request {n}: {:?}", r.json());
            let rl = r.json()["data"]["rateLimit"].clone();
            assert_eq!(rl["limit"], budget);
            assert_eq!(rl["cost"], cost);
            assert_eq!(rl["used"], n * cost, "[{engine:?}] {rl}");
            assert_eq!(rl["remaining"], budget - n * cost);
            assert_eq!(ext_rate(&r), rl, "extensions.rateLimit matches the field");
            assert_eq!(
                r.header("x-ratelimit-remaining"),
                Some((budget - n * cost).to_string().as_str())
            );
            let at = rl["resetAt"].as_str().expect("resetAt").to_owned();
            let t = chrono::DateTime::parse_from_rfc3339(&at).expect("rfc3339");
            assert_eq!(t.timestamp() % WINDOW, 0, "windows are aligned: {at}");
            assert!(reset.is_none() || reset.as_deref() == Some(at.as_str()));
            reset = Some(at);
        }
        let r = app.post(RATE, json!({}), Some(&key)).await;
        assert_eq!(r.status, 429, "[{engine:?}] {:?}", r.json());
        let v = r.json();
        assert_eq!(first_code(&v), "RATE_LIMITED", "{v}");
        assert!(v.get("data").is_none());
        let retry: i64 = r
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        assert!((1..=WINDOW).contains(&retry), "Retry-After {retry}");
        assert_eq!(v["errors"][0]["extensions"]["retryAfter"], retry);
        assert_eq!(v["errors"][0]["extensions"]["rateLimit"]["used"], 3 * cost);
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            Some((cost / 2).to_string().as_str())
        );
        // The refusal charged nothing.
        let spent = rows(&app, "SELECT spent FROM api_key_usage").await;
        let total: i64 = spent
            .iter()
            .map(|r| r.try_get::<i64>("", "spent").expect("spent"))
            .sum::<i64>();
        assert_eq!(
            total,
            3 * cost + cost,
            "probe's one request and the metered key's three"
        );

        // The next window gives the whole budget back.
        tokio::time::sleep(Duration::from_secs(retry as u64) + Duration::from_millis(50)).await;
        let r = app.post(RATE, json!({}), Some(&key)).await;
        assert_eq!(r.status, 200, "[{engine:?}] {:?}", r.json());
        let rl = r.json()["data"]["rateLimit"].clone();
        assert_eq!(rl["used"], cost, "[{engine:?}] {rl}");
        assert_ne!(rl["resetAt"].as_str(), reset.as_deref());
        // The previous window's row is pruned.
        let windows = rows(&app, "SELECT window_start FROM api_key_usage").await;
        assert_eq!(windows.len(), 2, "one window per key");

        // The admin token is not metered.
        let r = app.post(RATE, json!({}), Some(ADMIN_TOKEN)).await.json();
        assert_eq!(r["data"]["rateLimit"], Value::Null);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn two_instances_drain_one_budget_together() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let b = instance(&app).await;
        let probe = create_key(&app, "probe", "read", Some((1_000_000, 3600))).await;
        let cost = send_to(&app.router, post(READ, &probe)).await.json()["extensions"]["rateLimit"]
            ["cost"]
            .as_i64()
            .expect("cost");
        let key = create_key(&app, "shared", "read", Some((10 * cost, 3600))).await;
        fresh_window(3600, Duration::from_secs(30)).await;

        // Alternating instances: ten requests fit, the eleventh is refused on either.
        for n in 0..10 {
            let router = if n % 2 == 0 { &app.router } else { &b };
            let r = send_to(router, post(READ, &key)).await;
            assert_eq!(r.status, 200, "[{engine:?}] request {n}");
            assert_eq!(ext_rate(&r)["used"], (n + 1) * cost);
        }
        for router in [&app.router, &b] {
            let r = send_to(router, post(READ, &key)).await;
            assert_eq!(r.status, 429, "[{engine:?}]");
            assert_eq!(first_code(&r.json()), "RATE_LIMITED");
        }

        // Concurrent requests on both instances never overspend: exactly ten are admitted.
        let key = create_key(&app, "burst", "read", Some((10 * cost, 3600))).await;
        let mut tasks = Vec::new();
        for n in 0..24 {
            let router = if n % 2 == 0 {
                app.router.clone()
            } else {
                b.clone()
            };
            let req = post(READ, &key);
            tasks.push(tokio::spawn(
                async move { send_to(&router, req).await.status },
            ));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        let ok = statuses.iter().filter(|s| **s == 200).count();
        let limited = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((ok, limited), (10, 14), "[{engine:?}] {statuses:?}");
        app.cleanup().await;
    }
}

/// Runs one query over a WebSocket (graphql-transport-ws) with optional upgrade headers and
/// `connection_init` payload; returns the first answer, or the close code.
async fn ws_query(
    addr: std::net::SocketAddr,
    header: Option<&str>,
    payload: Value,
    query: &str,
) -> Result<Value, u16> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

    let mut req = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    if let Some(h) = header {
        req.headers_mut()
            .insert("authorization", HeaderValue::from_str(h).expect("header"));
    }
    let (mut ws, _) = match tokio_tungstenite::connect_async(req).await {
        Ok(x) => x,
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => return Err(r.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    };
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": payload }).to_string(),
    ))
    .await
    .expect("init");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .ok();
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(t.as_str()).expect("JSON");
                if v["type"] == "next" || v["type"] == "error" {
                    return Ok(v["payload"].clone());
                }
            }
            Some(Ok(Message::Close(f))) => return Err(f.map(|f| u16::from(f.code)).unwrap_or(0)),
            Some(Ok(_)) => {}
            _ => return Err(0),
        }
    }
}

#[tokio::test]
async fn websockets_take_keys_from_the_upgrade_or_connection_init() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let layer = ConfigLayer {
            database_url: Some(app.url.clone()),
            admin_token: Some(Secret::new(ADMIN_TOKEN)),
            require_key: Some(true),
            ..Default::default()
        };
        let config = Config::build(&[layer])
            .map_err(|e| e.detail())
            .expect("config");
        let conn = db::connect(&app.url, 2).await.expect("connect");
        let strict = skillgraph::app(AppState::new(conn, config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, strict).await.ok() });
        let reader = create_key(&app, "reader", "read", Some((1_000_000, 3600))).await;

        let anon = ws_query(addr, None, json!({}), READ)
            .await
            .expect("an answer");
        let text = anon.to_string();
        assert!(text.contains("UNAUTHENTICATED"), "[{engine:?}] {text}");

        let by_header = ws_query(addr, Some(&format!("Bearer {reader}")), json!({}), READ)
            .await
            .expect("an answer");
        assert_eq!(
            by_header["data"]["skill"]["name"], "Python",
            "[{engine:?}] {by_header}"
        );
        // Operations over the socket are charged to the key like HTTP requests.
        let spent = rows(&app, "SELECT spent FROM api_key_usage").await;
        assert_eq!(spent.len(), 1, "[{engine:?}]");
        assert!(spent[0].try_get::<i64>("", "spent").expect("spent") > 0);

        let by_init = ws_query(
            addr,
            None,
            json!({ "Authorization": format!("Bearer {reader}") }),
            READ,
        )
        .await
        .expect("an answer");
        assert_eq!(
            by_init["data"]["skill"]["name"], "Python",
            "[{engine:?}] {by_init}"
        );

        let bad = ws_query(addr, Some("Bearer sg_1_nope"), json!({}), READ).await;
        assert_eq!(bad, Err(401), "[{engine:?}]");
        let bad = ws_query(addr, None, json!({ "authorization": "Bearer nope" }), READ).await;
        assert_eq!(bad, Err(4403), "[{engine:?}]");
        app.cleanup().await;
    }
}
