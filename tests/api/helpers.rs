//! The test harness: a fresh database per test, built by the real migrations, on SQLite always
//! and on PostgreSQL too when `SKILLGRAPH_TEST_POSTGRES_URL` is set; the app driven in-process.
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use axum::{body::Body, http::Request, Router};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::{json, Value};
use skillgraph::{
    catalog::seed,
    config::{Config, ConfigLayer, Secret},
    db,
    import::{self, ImportOptions},
    AppState,
};
use tower::ServiceExt;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The engines every test runs on.
pub fn engines() -> Vec<Engine> {
    let mut v = vec![Engine::Sqlite];
    if std::env::var("SKILLGRAPH_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        v.push(Engine::Postgres);
    }
    v
}

pub struct TestApp {
    pub engine: Engine,
    pub router: Router,
    pub db: DatabaseConnection,
    /// The database's URL (to start another instance over it).
    pub url: String,

    statements: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<String>>>,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

pub struct Response {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn pg_admin_url() -> String {
    std::env::var("SKILLGRAPH_TEST_POSTGRES_URL").expect("SKILLGRAPH_TEST_POSTGRES_URL")
}

/// The URL of another database on the same PostgreSQL server.
fn pg_url_for(name: &str) -> String {
    let base = pg_admin_url();
    let (prefix, rest) = base.split_at(base.find("://").map(|i| i + 3).unwrap_or(0));
    let (hostpart, query) = match rest.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (rest, String::new()),
    };
    let host = hostpart.split('/').next().unwrap_or(hostpart);
    format!("{prefix}{host}/{name}{query}")
}

impl TestApp {
    /// A fresh database with the curated catalog loaded.
    pub async fn spawn(engine: Engine) -> TestApp {
        Self::empty(engine).await.seeded().await
    }

    /// [`TestApp::spawn`] with the answer cache on, as `serve` runs by default.
    pub async fn spawn_cached(engine: Engine) -> TestApp {
        Self::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                answer_cache_rows: Some(skillgraph::store::answers::DEFAULT_ROWS),
                ..Default::default()
            },
        )
        .await
        .seeded()
        .await
    }

    /// This app with the curated catalog loaded; the statements that took are not counted.
    pub async fn seeded(self) -> TestApp {
        seed::seed_embedded(&self.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed catalog");
        self.reset_statements();
        self
    }

    /// The curated catalog with the ESCO v1.1.1 fixture excerpt imported over it.
    pub async fn with_esco_fixture(engine: Engine) -> TestApp {
        let app = Self::spawn(engine).await;
        app.import_esco_fixture().await;
        app
    }

    /// Imports the ESCO v1.1.1 fixture excerpt.
    pub async fn import_esco_fixture(&self) {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/esco/v1.1.1");
        import::esco::import(
            &self.db,
            &dir,
            &ImportOptions {
                release: Some("v1.1.1".into()),
                progress: false,
            },
        )
        .await
        .map_err(|e| e.detail())
        .expect("ESCO import");
    }

    /// The app over a newly opened pool of `pool` connections on this test's database, recording
    /// every statement it runs with its bound values (the first executions on each connection).
    pub async fn fresh_app(
        &self,
        pool: u32,
    ) -> (Router, DatabaseConnection, Arc<Mutex<Vec<Statement>>>) {
        self.twin(pool, ConfigLayer::default()).await
    }

    /// [`TestApp::fresh_app`] configured by `layer` (its `database_url` is this test's).
    pub async fn twin(
        &self,
        pool: u32,
        layer: ConfigLayer,
    ) -> (Router, DatabaseConnection, Arc<Mutex<Vec<Statement>>>) {
        let mut conn = db::connect(&self.url, pool)
            .await
            .expect("open a fresh pool");
        let seen: Arc<Mutex<Vec<Statement>>> = Arc::default();
        let s = seen.clone();
        skillgraph::store::observe(&mut conn, move |info| {
            if let Ok(mut s) = s.lock() {
                s.push(info.statement.clone());
            }
        });
        // As in `with_config`: the answer cache is off unless `layer` sets it, so every
        // request's statements reach the observed pool.
        let config = Config::build(&[ConfigLayer {
            database_url: Some(self.url.clone()),
            answer_cache_rows: layer.answer_cache_rows.or(Some(0)),
            ..layer
        }])
        .map_err(|e| e.detail())
        .expect("config");
        let router = skillgraph::app(AppState::new(conn.clone(), config));
        (router, conn, seen)
    }

    /// A fresh, migrated, empty database. The answer cache is off: tests count the statements
    /// queries run, and compare answers before and after writes made behind the server's back
    /// (straight to the database), which kept answers would blur. `tests/api/answers.rs` runs
    /// with it on ([`TestApp::spawn_cached`], or a configuration of its own).
    pub async fn empty(engine: Engine) -> TestApp {
        Self::with_config(
            engine,
            ConfigLayer {
                admin_token: Some(Secret::new(ADMIN_TOKEN)),
                answer_cache_rows: Some(0),
                ..Default::default()
            },
        )
        .await
    }

    /// An app configured by `layer` on a fresh database. The answer cache is off unless
    /// `layer` sets `answer_cache_rows` (see [`TestApp::empty`]): with it on, whether a
    /// request's statements run depends on when the cache's listener connected, and what an
    /// earlier read of the same request kept.
    pub async fn with_config(engine: Engine, layer: ConfigLayer) -> TestApp {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let (url, dir, pg_name) = match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, Some(dir), None)
            }
            Engine::Postgres => {
                let name = format!("sgtest_{}_{n}", std::process::id());
                let admin = db::connect(&pg_admin_url(), 1)
                    .await
                    .expect("connect to PostgreSQL");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                    .await
                    .expect("drop old test database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                (pg_url_for(&name), None, Some(name))
            }
        };
        let mut layer = layer;
        layer.database_url = Some(url.clone());
        layer.answer_cache_rows = layer.answer_cache_rows.or(Some(0));
        let config = Config::build(&[layer])
            .map_err(|e| e.detail())
            .expect("config");
        let mut conn = db::connect_migrated(&url, 5)
            .await
            .expect("connect and migrate");
        let statements = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (c, l) = (statements.clone(), log.clone());
        skillgraph::store::observe(&mut conn, move |info| {
            c.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut l) = l.lock() {
                l.push(info.statement.sql.clone());
            }
        });
        let state = AppState::new(conn.clone(), config);
        state.start_listeners();
        let router = skillgraph::app(state);
        TestApp {
            engine,
            router,
            db: conn,
            url,
            statements,
            log,
            pg_name,
            _dir: dir,
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn reset_statements(&self) {
        self.statements.store(0, Ordering::SeqCst);
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }

    /// How many SQL statements ran since the last reset, and which.
    pub fn statements(&self) -> (usize, Vec<String>) {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        (self.statements.load(Ordering::SeqCst), log)
    }

    pub async fn send(&self, req: Request<Body>) -> Response {
        send_to(&self.router, req).await
    }

    /// POSTs a GraphQL request as a client that accepts the GraphQL response type.
    pub async fn post(&self, query: &str, variables: Value, token: Option<&str>) -> Response {
        let mut b = Request::post("/graphql")
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json");
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// Runs a query that must succeed without errors; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let r = self.post(query, variables, None).await;
        let v = r.json();
        assert_eq!(r.status, 200, "[{:?}] status for {query}: {v}", self.engine);
        assert!(
            v.get("errors").is_none(),
            "[{:?}] errors for {query}: {v}",
            self.engine
        );
        v["data"].clone()
    }

    /// Runs a mutation as the admin; returns the whole response body.
    pub async fn admin(&self, query: &str, variables: Value) -> Value {
        self.post(query, variables, Some(ADMIN_TOKEN)).await.json()
    }

    /// Runs a mutation as the admin that must succeed (no errors, no `userErrors` in any
    /// payload); returns `data`.
    pub async fn admin_ok(&self, query: &str, variables: Value) -> Value {
        let v = self.admin(query, variables).await;
        assert!(
            v.get("errors").is_none() && user_errors(&v).is_empty(),
            "[{:?}] errors for {query}: {v}",
            self.engine
        );
        v["data"].clone()
    }

    /// Drops the PostgreSQL test database (SQLite's goes with its temp dir).
    pub async fn cleanup(self) {
        let TestApp { db, pg_name, .. } = self;
        // Let listener tasks notice their app is gone before the database is dropped.
        tokio::task::yield_now().await;
        db.close().await.ok();
        if let Some(name) = pg_name {
            if let Ok(admin) = db::connect(&pg_admin_url(), 1).await {
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok();
                admin.close().await.ok();
            }
        }
    }
}

/// The error code of the first error of a response: a top-level error's `extensions.code`,
/// else the first `userErrors` code of a mutation payload.
pub fn first_code(v: &Value) -> String {
    if let Some(c) = v["errors"][0]["extensions"]["code"].as_str() {
        return c.to_owned();
    }
    user_errors(v)
        .first()
        .and_then(|e| e["code"].as_str())
        .unwrap_or("")
        .to_owned()
}

/// Every `userErrors` entry of the mutation payloads of a response, in field order.
pub fn user_errors(v: &Value) -> Vec<Value> {
    v["data"]
        .as_object()
        .map(|d| {
            d.values()
                .filter_map(|p| p["userErrors"].as_array())
                .flatten()
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The message of the first error of a response: top-level, else the first `userErrors` one.
pub fn first_message(v: &Value) -> String {
    if let Some(m) = v["errors"][0]["message"].as_str() {
        return m.to_owned();
    }
    user_errors(v)
        .first()
        .and_then(|e| e["message"].as_str())
        .unwrap_or("")
        .to_owned()
}

/// The slugs of a connection's nodes.
pub fn slugs(conn: &Value) -> Vec<String> {
    conn["nodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Sends one request to a router (an app instance) and reads the whole answer.
pub async fn send_to(router: &Router, req: Request<Body>) -> Response {
    let resp = router.clone().oneshot(req).await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Response {
        status,
        headers,
        body,
    }
}

/// A `...Ref` input value naming an entity the way tests do, by global id or by slug:
/// `{ "id": … }` for a global id, else `{ "slug": … }`; a list maps each item, an object (a
/// ref already) stays as it is.
pub fn r<T: serde::Serialize + ?Sized>(x: &T) -> Value {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let v = serde_json::to_value(x).unwrap_or(Value::Null);
    match v {
        Value::String(s) => {
            let is_id = URL_SAFE_NO_PAD
                .decode(&s)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| {
                    let (ty, n) = t.split_once(':')?;
                    Some(
                        matches!(ty, "Skill" | "Framework" | "Role" | "JobPosting")
                            && n.parse::<i64>().is_ok(),
                    )
                })
                .unwrap_or(false);
            if is_id {
                json!({ "id": s })
            } else {
                json!({ "slug": s })
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(r).collect()),
        other => other,
    }
}

/// [`r`] for each of a list.
pub fn rs<T: serde::Serialize>(v: &[T]) -> Value {
    r(v)
}

/// POSTs a GraphQL request to a router (one built outside [`TestApp`]), with a bearer token
/// when given; the whole JSON answer.
pub async fn post_json(
    router: &Router,
    query: &str,
    variables: Value,
    token: Option<&str>,
) -> Value {
    post_to(router, query, variables, token).await.json()
}

/// POSTs a GraphQL request to `router`, as [`TestApp::post`] does to its app.
pub async fn post_to(
    router: &Router,
    query: &str,
    variables: Value,
    token: Option<&str>,
) -> Response {
    let mut b = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    send_to(router, b.body(Body::from(body)).expect("request")).await
}

/// Runs one of `scripts/` that starts a real component (a replica, PgBouncer) on `port`, given
/// as the environment variable `port_var`; fails the test, with the script's output, when it
/// cannot.
pub async fn run_setup_script(name: &str, port_var: &str, port: u16) {
    let script = format!("{}/scripts/{name}", env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new(&script)
        .env(port_var, port.to_string())
        .output()
        .await
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    assert!(
        out.status.success(),
        "scripts/{name} failed for port {port}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
