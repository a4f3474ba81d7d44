//! `jobPostingAdded` over a real WebSocket (graphql-transport-ws), against real listeners; on
//! PostgreSQL across two app instances sharing one database.
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use skillgraph::{
    config::{Config, ConfigLayer, Secret},
    db, AppState,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::helpers::{engines, Engine, TestApp, ADMIN_TOKEN};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Serves a router on a real port; returns its address.
async fn serve(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, router).await.ok();
    });
    addr
}

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

async fn subscribe(addr: std::net::SocketAddr, query: &str) -> Ws {
    let mut req = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("connect");
    assert_eq!(
        resp.headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws")
    );
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": {} }).to_string(),
    ))
    .await
    .expect("init");
    assert_eq!(recv_json(&mut ws).await["type"], "connection_ack");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .expect("subscribe");
    // The server subscribes once it has read the message.
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws
}

const SUB: &str = r#"subscription { jobPostingAdded(filter: { countries: ["DE"], skills: [{ slug: "python" }] }) {
    externalId source location { country } skills { skill { slug } } } }"#;

const CREATE: &str = r#"mutation($i: UpsertJobPostingInput!) { upsertJobPosting(input: $i) { jobPosting { id } userErrors { code message } } }"#;

fn posting(id: &str, country: &str, skill: &str) -> Value {
    json!({ "i": { "source": "live", "externalId": id, "title": "Engineer", "country": country,
                    "postedDate": "2026-11-02", "requiredSkills": crate::helpers::rs(&[skill]) } })
}

#[tokio::test]
async fn job_posting_added_reaches_a_websocket_subscriber() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let addr = serve(app.router.clone()).await;
        let mut ws = subscribe(addr, SUB).await;
        // Not matching (country, then skill), then matching.
        app.admin_ok(CREATE, posting("L-1", "FR", "python")).await;
        app.admin_ok(CREATE, posting("L-2", "DE", "java")).await;
        app.admin_ok(CREATE, posting("L-3", "DE", "python")).await;
        let m = recv_json(&mut ws).await;
        assert_eq!(m["type"], "next", "[{engine:?}] {m}");
        assert_eq!(m["id"], "1");
        assert_eq!(
            m["payload"]["data"]["jobPostingAdded"],
            json!({ "externalId": "L-3", "source": "live", "location": { "country": "DE" },
                    "skills": [{ "skill": { "slug": "python" } }] })
        );
        // An update of a posting is not an addition.
        app.admin_ok(CREATE, posting("L-3", "DE", "python")).await;
        app.admin_ok(CREATE, posting("L-4", "DE", "python")).await;
        let m = recv_json(&mut ws).await;
        assert_eq!(m["payload"]["data"]["jobPostingAdded"]["externalId"], "L-4");
        ws.close(None).await.ok();
        app.cleanup().await;
    }
}

#[tokio::test]
async fn on_postgres_a_posting_written_through_one_instance_reaches_another() {
    if !engines().contains(&Engine::Postgres) {
        return;
    }
    let a = TestApp::spawn(Engine::Postgres).await;
    // Instance B: its own pool, state, feed listener and port, over the same database.
    let config = Config::build(&[ConfigLayer {
        database_url: Some(a.url.clone()),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        ..Default::default()
    }])
    .map_err(|e| e.detail())
    .expect("config");
    let conn_b = db::connect(&a.url, 3).await.expect("connect B");
    let state_b = AppState::new(conn_b.clone(), config);
    state_b.start_listeners();
    let b = skillgraph::app(state_b);
    let addr_b = serve(b).await;
    let addr_a = serve(a.router.clone()).await;
    let mut on_b = subscribe(addr_b, SUB).await;
    let mut on_a = subscribe(addr_a, SUB).await;
    // Written through A (over real HTTP).
    let resp = reqwest::Client::new()
        .post(format!("http://{addr_a}/graphql"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "query": CREATE, "variables": posting("X-1", "DE", "python") }))
        .send()
        .await
        .expect("post to A");
    assert_eq!(resp.status(), 200);
    for ws in [&mut on_b, &mut on_a] {
        let m = recv_json(ws).await;
        assert_eq!(
            m["payload"]["data"]["jobPostingAdded"]["externalId"], "X-1",
            "{m}"
        );
    }
    on_a.close(None).await.ok();
    on_b.close(None).await.ok();
    conn_b.close().await.ok();
    a.cleanup().await;
}
