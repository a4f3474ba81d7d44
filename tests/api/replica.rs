//! Read replicas against a real streaming replica: a second PostgreSQL cluster on port 5433
//! made from the test server by `scripts/replica.sh` (`pg_basebackup -R`), which the tests run
//! themselves. Each test database is created on the primary and reaches the replica by
//! replication. Pausing replay or cutting the replica affects every test that uses it, so these
//! tests take one lock and always resume replay.
use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{body::Body, http::Request};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{json, Value};
use skillgraph::{
    config::{Config, ConfigLayer, Secret},
    db,
    store::version::data_version,
    AppState,
};
use tokio::{net::TcpListener, sync::Mutex, task::JoinHandle};

use crate::helpers::{engines, post_json, run_setup_script, send_to, Engine, TestApp, ADMIN_TOKEN};

/// The replica's port (scripts/replica.sh's REPLICA_PORT).
fn replica_port() -> u16 {
    std::env::var("SKILLGRAPH_TEST_REPLICA_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(5433)
}

static LOCK: Mutex<()> = Mutex::const_new(());
static MADE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// Makes sure the replica runs (once per test binary). On PostgreSQL a replica that cannot be
/// made fails the test; without PostgreSQL the replica tests are skipped, loudly.
async fn replica_available() -> bool {
    if !engines().contains(&Engine::Postgres) {
        eprintln!(
            "SKIPPED: replica tests need PostgreSQL (set SKILLGRAPH_TEST_POSTGRES_URL); \
             they run against a real streaming replica made by scripts/replica.sh"
        );
        return false;
    }
    MADE.get_or_init(|| run_setup_script("replica.sh", "REPLICA_PORT", replica_port()))
        .await;
    true
}

/// The same URL on another port.
fn with_port(url: &str, port: u16) -> String {
    let (scheme, rest) = url.split_once("://").expect("url with scheme");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let host = hostport.split(':').next().unwrap_or(hostport);
    format!("{scheme}://{user}{host}:{port}{path}")
}

/// Waits until the replica has the test database with the primary's data version.
async fn wait_replicated(primary: &DatabaseConnection, replica_url: &str) {
    let want = data_version(primary).await.expect("primary version");
    for _ in 0..300 {
        if let Ok(r) = db::connect(replica_url, 1).await {
            let got = data_version(&r).await.ok();
            r.close().await.ok();
            if got.is_some_and(|v| v >= want) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the replica did not replay the test database within 30 s ({replica_url})");
}

/// Runs SQL on the replica's `postgres` database (replay control).
fn on_replica(sql: &str) {
    let out = std::process::Command::new("psql")
        .args([
            "-w",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-Atc",
            sql,
        ])
        .arg("-p")
        .arg(replica_port().to_string())
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Pauses WAL replay on the replica; resumes it when dropped, whatever happens.
struct Paused;

impl Paused {
    fn new() -> Paused {
        on_replica("SELECT pg_wal_replay_pause()");
        Paused
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        on_replica("SELECT pg_wal_replay_resume()");
    }
}

/// An instance over the test database with the given replicas.
async fn instance(
    app: &TestApp,
    replicas: Vec<String>,
    layer: ConfigLayer,
) -> (axum::Router, Arc<skillgraph::store::route::DbRoute>) {
    let config = Config::build(&[ConfigLayer {
        database_url: Some(app.url.clone()),
        admin_token: Some(Secret::new(ADMIN_TOKEN)),
        read_database_urls: Some(replicas),
        ..layer
    }])
    .map_err(|e| e.detail())
    .expect("config");
    let mut state = AppState::new(app.db.clone(), config);
    state
        .connect_replicas()
        .await
        .map_err(|e| e.detail())
        .expect("replicas");
    let route = state.route.clone();
    (skillgraph::app(state), route)
}

async fn post(router: &axum::Router, query: &str, variables: Value, token: Option<&str>) -> Value {
    let v = post_json(router, query, variables, token).await;
    assert!(v.get("errors").is_none(), "errors for {query}: {v}");
    v["data"].clone()
}

async fn readyz(router: &axum::Router) -> Value {
    let r = send_to(
        router,
        Request::get("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

const READ: &str = r#"query($s: String!) { skill(by: { slug: $s }) { description } }"#;
const WRITE: &str = r#"mutation($s: String!, $d: String!) { updateSkill(skill: { slug: $s }, input: { description: $d }) { skill { description } } }"#;

async fn description(router: &axum::Router, token: Option<&str>) -> String {
    post(router, READ, json!({ "s": "python" }), token).await["skill"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Reads go to the replica (shown by pausing its replay: a read does not see a write that the
/// mutation's own answer shows), a writer's reads within its window go to the primary, and a
/// replica lagging beyond the bound is skipped and reported.
#[tokio::test]
async fn reads_use_the_replica_writes_and_the_writers_reads_use_the_primary() {
    if !replica_available().await {
        return;
    }
    let _lock = LOCK.lock().await;
    let app = TestApp::spawn(Engine::Postgres).await;
    let replica_url = with_port(&app.url, replica_port());
    wait_replicated(&app.db, &replica_url).await;
    let (router, route) = instance(
        &app,
        vec![replica_url.clone()],
        ConfigLayer {
            replica_max_lag_secs: Some(60),
            read_your_writes_window_secs: Some(60),
            ..Default::default()
        },
    )
    .await;
    // A second instance with a tight lag bound over the same primary and replica.
    let (strict, strict_route) = instance(
        &app,
        vec![replica_url.clone()],
        ConfigLayer {
            replica_max_lag_secs: Some(1),
            ..Default::default()
        },
    )
    .await;
    let before = description(&router, None).await;
    let ready = readyz(&router).await;
    assert_eq!(ready["replicas"][0]["state"], "ok", "{ready}");
    assert_eq!(
        ready["replicas"][0]["reads"], 1,
        "the read went to the replica: {ready}"
    );
    assert_eq!(ready["replicas"][0]["lagSecs"], 0.0, "{ready}");

    let paused = Paused::new();
    let written = post(
        &router,
        WRITE,
        json!({ "s": "python", "d": "Written while the replica does not replay." }),
        Some(ADMIN_TOKEN),
    )
    .await;
    // The mutation reads its own write (on the primary).
    assert_eq!(
        written["updateSkill"]["skill"]["description"],
        "Written while the replica does not replay."
    );
    // An anonymous read is served by the paused replica: the old text.
    assert_eq!(description(&router, None).await, before);
    // The writer's reads, within its window, go to the primary.
    assert_eq!(
        description(&router, Some(ADMIN_TOKEN)).await,
        "Written while the replica does not replay."
    );
    // The primary's data version moved, the replica's did not: after the bound the strict
    // instance skips the replica, reads the primary and says why.
    strict_route.check().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    strict_route.check().await;
    let ready = readyz(&strict).await;
    assert_eq!(ready["replicas"][0]["state"], "lagging", "{ready}");
    assert!(
        ready["replicas"][0]["lagSecs"].as_f64().unwrap_or(0.0) > 1.0,
        "{ready}"
    );
    assert_eq!(
        description(&strict, None).await,
        "Written while the replica does not replay."
    );
    // The lenient instance still uses it (lag under 60 s).
    route.check().await;
    assert_eq!(readyz(&router).await["replicas"][0]["state"], "ok");
    assert_eq!(description(&router, None).await, before);

    drop(paused);
    wait_replicated(&app.db, &replica_url).await;
    route.check().await;
    strict_route.check().await;
    assert_eq!(readyz(&strict).await["replicas"][0]["state"], "ok");
    let reads = readyz(&router).await["replicas"][0]["reads"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(
        description(&router, None).await,
        "Written while the replica does not replay."
    );
    assert_eq!(
        readyz(&router).await["replicas"][0]["reads"].as_u64(),
        Some(reads + 1),
        "the read after replay went to the replica"
    );
    app.cleanup().await;
}

/// A TCP relay in front of the replica that the test can cut and restore: losing the replica
/// without stopping it for the other tests.
struct Relay {
    addr: SocketAddr,
    tasks: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(addr: SocketAddr, target: SocketAddr) -> Relay {
        let listener = TcpListener::bind(addr).await.expect("bind relay");
        let addr = listener.local_addr().expect("relay address");
        let tasks: Arc<std::sync::Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let t = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(target).await {
                        tokio::io::copy_bidirectional(&mut client, &mut server)
                            .await
                            .ok();
                    }
                });
                if let Ok(mut t) = t.lock() {
                    t.push(conn);
                }
            }
        });
        if let Ok(mut t) = tasks.lock() {
            t.push(accept);
        }
        Relay { addr, tasks }
    }

    /// Closes the port and every relayed connection.
    fn cut(&self) {
        if let Ok(mut t) = self.tasks.lock() {
            for task in t.drain(..) {
                task.abort();
            }
        }
    }
}

async fn wait_state(router: &axum::Router, want: &str) -> Value {
    for _ in 0..100 {
        let ready = readyz(router).await;
        if ready["replicas"][0]["state"] == want {
            return ready;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the replica did not become {want} within 10 s: {}",
        readyz(router).await
    );
}

/// A replica that goes away is skipped (reads fall back to the primary, `/readyz` says
/// `down`) and used again once it is back, found by the background checks.
#[tokio::test]
async fn a_lost_replica_is_skipped_and_used_again_when_it_returns() {
    if !replica_available().await {
        return;
    }
    let _lock = LOCK.lock().await;
    let app = TestApp::spawn(Engine::Postgres).await;
    let direct = with_port(&app.url, replica_port());
    wait_replicated(&app.db, &direct).await;
    let target: SocketAddr = ([127, 0, 0, 1], replica_port()).into();
    let relay = Relay::start(([127, 0, 0, 1], 0).into(), target).await;
    let via_relay = with_port(&app.url, relay.addr.port());
    let (router, _route) = instance(&app, vec![via_relay], ConfigLayer::default()).await;

    let before = description(&router, None).await;
    let ready = readyz(&router).await;
    assert_eq!(ready["replicas"][0]["state"], "ok", "{ready}");
    assert_eq!(ready["replicas"][0]["reads"], 1, "{ready}");

    relay.cut();
    // Read at once, before a check has noticed: the read fails on the replica and is read
    // again from the primary, which marks the replica down; no error reaches the client.
    assert_eq!(description(&router, None).await, before);
    let ready = wait_state(&router, "down").await;
    assert_eq!(
        ready["status"], "ready",
        "the primary still serves: {ready}"
    );
    // Reads go on, from the primary: the replica's count does not move.
    let reads = ready["replicas"][0]["reads"].as_u64().unwrap_or(0);
    assert_eq!(description(&router, None).await, before);
    assert_eq!(
        readyz(&router).await["replicas"][0]["reads"].as_u64(),
        Some(reads)
    );

    let back = Relay::start(relay.addr, target).await;
    wait_state(&router, "ok").await;
    assert_eq!(description(&router, None).await, before);
    assert_eq!(
        readyz(&router).await["replicas"][0]["reads"].as_u64(),
        Some(reads + 1)
    );
    back.cut();
    app.cleanup().await;
}

/// Replicas are a PostgreSQL feature: a SQLite primary with one is refused at start-up, and
/// without replicas `/readyz` lists none (both engines).
#[tokio::test]
async fn replicas_need_postgres_and_readyz_lists_none_without() {
    let err = Config::build(&[ConfigLayer {
        database_url: Some("sqlite::memory:".into()),
        read_database_urls: Some(vec!["postgres://127.0.0.1:5433/x".into()]),
        ..Default::default()
    }])
    .expect_err("a SQLite primary with a replica is refused");
    assert!(err.detail().contains("PostgreSQL"), "{}", err.detail());
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let ready = readyz(&app.router).await;
        assert_eq!(ready, json!({ "status": "ready" }), "[{engine:?}]");
        let _ = app.db.execute_unprepared("SELECT 1").await;
        app.cleanup().await;
    }
}

/// The routing rules on both engines, with a second database standing in for a replica whose
/// data version the test sets: lag is the time since the primary first showed a version the
/// replica lacks, a replica beyond the bound is skipped, a writer's reads stay on the primary
/// within its window, and a replica that catches up is used again.
#[tokio::test]
async fn lag_is_measured_on_the_data_version_and_bounds_the_routing() {
    use skillgraph::store::route::{DbRoute, Health};
    for engine in engines() {
        let primary = TestApp::empty(engine).await;
        let replica = TestApp::empty(engine).await;
        let set = |v: i64| format!("UPDATE graph_version SET version = {v} WHERE id = 2");
        primary.db.execute_unprepared(&set(10)).await.expect("set");
        replica.db.execute_unprepared(&set(10)).await.expect("set");
        let route = DbRoute::new(
            primary.db.clone(),
            vec![("stand-in".to_owned(), replica.db.clone())],
            Duration::from_secs(1),
            Duration::from_secs(60),
        );
        assert_eq!(route.status()[0].state, Health::Unknown);
        assert_eq!(
            route.reader(None).replica,
            None,
            "[{engine:?}] unchecked: primary"
        );
        route.check().await;
        let s = &route.status()[0];
        assert_eq!(
            (s.state, s.lag_secs, s.data_version),
            (Health::Ok, Some(0.0), Some(10))
        );
        assert_eq!(route.reader(None).replica, Some(0), "[{engine:?}]");

        // The primary moves on: the replica lags from the check that first saw it.
        primary.db.execute_unprepared(&set(11)).await.expect("set");
        route.check().await;
        assert_eq!(
            route.status()[0].state,
            Health::Ok,
            "[{engine:?}] within the bound"
        );
        tokio::time::sleep(Duration::from_millis(1200)).await;
        primary.db.execute_unprepared(&set(12)).await.expect("set");
        route.check().await;
        let s = &route.status()[0];
        assert_eq!(s.state, Health::Lagging, "[{engine:?}] {s:?}");
        assert!(
            s.lag_secs.unwrap_or(0.0) >= 1.2,
            "[{engine:?}] measured from version 11: {s:?}"
        );
        assert_eq!(
            route.reader(None).replica,
            None,
            "[{engine:?}] lagging: primary"
        );

        // Half caught up: still measured from version 12's first sight (recent), so usable.
        replica.db.execute_unprepared(&set(11)).await.expect("set");
        route.check().await;
        let s = &route.status()[0];
        assert_eq!(s.state, Health::Ok, "[{engine:?}] {s:?}");
        assert!(s.lag_secs.unwrap_or(9.0) < 1.0, "[{engine:?}] {s:?}");
        replica.db.execute_unprepared(&set(12)).await.expect("set");
        route.check().await;
        assert_eq!(route.status()[0].lag_secs, Some(0.0));

        // A writer's reads stay on the primary within its window; others use the replica.
        route.note_write("Bearer writer");
        assert_eq!(route.reader(Some("Bearer writer")).replica, None);
        assert_eq!(route.reader(Some("Bearer reader")).replica, Some(0));
        assert_eq!(route.reader(None).replica, Some(0));
        // Marked down by a failed read: skipped until a check finds it again.
        route.mark_down(0);
        assert_eq!(route.reader(None).replica, None);
        route.check().await;
        assert_eq!(route.reader(None).replica, Some(0));
        primary.cleanup().await;
        replica.cleanup().await;
    }
}
