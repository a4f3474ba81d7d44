//! The server behind a real PgBouncer in transaction mode (Debian's 1.18, started by
//! `scripts/pgbouncer.sh` from the test): migrations, the catalog load, queries from many
//! concurrent requests, a mutation and a subscription event, with LISTEN on a direct
//! connection (`listen_database_url`).
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::{
    catalog::seed,
    config::{Config, ConfigLayer, Secret},
    db::{self, PoolOptions, Pooler},
    AppState,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::helpers::{engines, post_json, run_setup_script, Engine, ADMIN_TOKEN};

fn pooler_port() -> u16 {
    std::env::var("SKILLGRAPH_TEST_PGBOUNCER_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(6432)
}

static STARTED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// Starts PgBouncer (once per test binary); on PostgreSQL a PgBouncer that cannot be started
/// fails the test, without PostgreSQL the test is skipped, loudly.
async fn pgbouncer_available() -> bool {
    if !engines().contains(&Engine::Postgres) {
        eprintln!(
            "SKIPPED: the PgBouncer test needs PostgreSQL (set SKILLGRAPH_TEST_POSTGRES_URL)"
        );
        return false;
    }
    STARTED
        .get_or_init(|| run_setup_script("pgbouncer.sh", "PGBOUNCER_PORT", pooler_port()))
        .await;
    true
}

/// The same URL with another port and database.
fn url_for(admin: &str, port: u16, database: &str) -> String {
    let (scheme, rest) = admin.split_once("://").expect("url with scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let host = hostport.split(':').next().unwrap_or(hostport);
    format!("{scheme}://{user}{host}:{port}/{database}")
}

fn admin_url() -> String {
    std::env::var("SKILLGRAPH_TEST_POSTGRES_URL").expect("SKILLGRAPH_TEST_POSTGRES_URL")
}

fn direct_port(admin: &str) -> u16 {
    let rest = admin.split_once("://").map_or(admin, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    hostport
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(5432)
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn recv_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("stream open")
            .expect("message");
        if let Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).expect("JSON message");
        }
    }
}

async fn post(router: &axum::Router, query: &str, variables: Value, token: Option<&str>) -> Value {
    post_json(router, query, variables, token).await
}

const LIST: &str =
    "{ skills(first: 20) { nodes { slug name frameworks(first: 3) { nodes { slug } } } } }";
const LOOKUP: &str = "query($s: String!) { skill(by: { slug: $s }) { slug name } }";
const CREATE: &str = r#"mutation($i: UpsertJobPostingInput!) { upsertJobPosting(input: $i) { jobPosting { externalId } } }"#;
const SUB: &str =
    r#"subscription { jobPostingAdded(filter: { countries: ["DE"] }) { externalId source } }"#;

/// Transactions PgBouncer forwarded for a database (its `SHOW STATS`).
fn pgbouncer_transactions(database: &str) -> u64 {
    let out = std::process::Command::new("psql")
        .args([
            "-w",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "pgbouncer",
            "-Atc",
            "SHOW STATS",
        ])
        .arg("-p")
        .arg(pooler_port().to_string())
        .output()
        .expect("psql");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('|').collect::<Vec<_>>())
        .find(|c| c.first() == Some(&database))
        .and_then(|c| c.get(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

#[tokio::test]
async fn the_server_works_behind_pgbouncer_in_transaction_mode() {
    if !pgbouncer_available().await {
        return;
    }
    let admin = admin_url();
    let name = format!("sgtest_pool_{}", std::process::id());
    let root = db::connect(&admin, 1).await.expect("connect to PostgreSQL");
    root.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop old");
    root.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    let pooled_url = url_for(&admin, pooler_port(), &name);
    let direct_url = url_for(&admin, direct_port(&admin), &name);

    // Migrations and the catalog load run through PgBouncer too.
    let pool = PoolOptions {
        pooler: Pooler::Transaction,
        ..PoolOptions::new(8)
    };
    let conn = db::connect_migrated_with(&pooled_url, &pool)
        .await
        .expect("migrate through PgBouncer");
    seed::seed_embedded(&conn)
        .await
        .map_err(|e| e.detail())
        .expect("load the catalog through PgBouncer");
    let config = Config::build(&[ConfigLayer {
        database_url: Some(pooled_url.clone()),
        listen_database_url: Some(direct_url.clone()),
        pg_pooler: Some(Pooler::Transaction),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        // Every request's statements must go through PgBouncer: none answered from memory
        // (the answer cache would be on here, with a session to LISTEN on).
        answer_cache_rows: Some(0),
        ..Default::default()
    }])
    .map_err(|e| e.detail())
    .expect("config");
    let state = AppState::new(conn.clone(), config);
    state.start_listeners();
    assert!(
        state.feed.ready(Duration::from_secs(10)).await,
        "LISTEN on the direct connection"
    );
    let router = skillgraph::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = router.clone();
    tokio::spawn(async move {
        axum::serve(listener, served).await.ok();
    });

    // A subscriber, over a real WebSocket.
    let mut req = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("ws");
    ws.send(Message::text(
        json!({ "type": "connection_init" }).to_string(),
    ))
    .await
    .expect("init");
    assert_eq!(recv_json(&mut ws).await["type"], "connection_ack");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": SUB } }).to_string(),
    ))
    .await
    .expect("subscribe");
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Many concurrent requests over 8 pooled connections: every statement is prepared and
    // executed on whatever server connection PgBouncer lends; none may fail or mix up.
    let before = pgbouncer_transactions(&name);
    let expected = post(&router, LIST, json!({}), None).await;
    assert!(expected.get("errors").is_none(), "{expected}");
    let slugs: Vec<String> = expected["data"]["skills"]["nodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(slugs.len(), 20, "{expected}");
    let mut calls = Vec::new();
    for i in 0..60 {
        let router = router.clone();
        let slug = slugs[i % slugs.len()].clone();
        calls.push(tokio::spawn(async move {
            if i % 2 == 0 {
                (None, post(&router, LIST, json!({}), None).await)
            } else {
                let v = post(&router, LOOKUP, json!({ "s": slug }), None).await;
                (Some(slug), v)
            }
        }));
    }
    for c in calls {
        let (slug, v) = c.await.expect("task");
        assert!(v.get("errors").is_none(), "{v}");
        match slug {
            None => assert_eq!(v, expected),
            Some(s) => assert_eq!(v["data"]["skill"]["slug"], s.as_str(), "{v}"),
        }
    }
    let through = pgbouncer_transactions(&name) - before;
    assert!(
        through >= 60,
        "the requests went through PgBouncer ({through} transactions)"
    );

    // A mutation through PgBouncer, heard by the subscriber through the direct LISTEN.
    let created = post(
        &router,
        CREATE,
        json!({ "i": { "source": "pooled", "externalId": "P-1", "title": "Engineer",
                        "country": "DE", "postedDate": "2026-11-02", "requiredSkills": [{ "slug": "python" }] } }),
        Some(ADMIN_TOKEN),
    )
    .await;
    assert_eq!(
        created["data"]["upsertJobPosting"]["jobPosting"]["externalId"], "P-1",
        "{created}"
    );
    let m = recv_json(&mut ws).await;
    assert_eq!(
        m["payload"]["data"]["jobPostingAdded"],
        json!({ "externalId": "P-1", "source": "pooled" }),
        "{m}"
    );
    ws.close(None).await.ok();
    conn.close().await.ok();
    root.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
    root.close().await.ok();
}
