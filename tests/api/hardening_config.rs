//! Issue #10: every limit is a setting with a flag, an environment variable and a TOML key,
//! documented in the README; flags take effect; a starved pool answers a coded error and
//! moves the pool-timeout counter.
use std::time::{Duration, Instant};

use axum::{body::Body, http::Request};
use clap::{CommandFactory, Parser};
use serde_json::json;
use skillgraph::{
    cli::Cli,
    config::{Config, ConfigLayer},
    db, AppState,
};
use tower::ServiceExt;

use crate::helpers::{engines, first_code, Engine, TestApp, ADMIN_TOKEN};

/// (TOML key, flag, environment variable, command that takes the flag) of every setting.
const SETTINGS: &[(&str, &str, &str, &str)] = &[
    (
        "database_url",
        "--database-url",
        "SKILLGRAPH_DATABASE_URL",
        "",
    ),
    (
        "db_max_connections",
        "--db-max-connections",
        "SKILLGRAPH_DB_MAX_CONNECTIONS",
        "",
    ),
    (
        "db_acquire_timeout_secs",
        "--db-acquire-timeout-secs",
        "SKILLGRAPH_DB_ACQUIRE_TIMEOUT_SECS",
        "",
    ),
    (
        "sqlite_busy_timeout_secs",
        "--sqlite-busy-timeout-secs",
        "SKILLGRAPH_SQLITE_BUSY_TIMEOUT_SECS",
        "",
    ),
    ("bind", "--bind", "SKILLGRAPH_BIND", "serve"),
    (
        "admin_token",
        "--admin-token",
        "SKILLGRAPH_ADMIN_TOKEN",
        "serve",
    ),
    ("max_depth", "--max-depth", "SKILLGRAPH_MAX_DEPTH", "serve"),
    (
        "max_complexity",
        "--max-complexity",
        "SKILLGRAPH_MAX_COMPLEXITY",
        "serve",
    ),
    (
        "max_fields",
        "--max-fields",
        "SKILLGRAPH_MAX_FIELDS",
        "serve",
    ),
    (
        "max_root_fields",
        "--max-root-fields",
        "SKILLGRAPH_MAX_ROOT_FIELDS",
        "serve",
    ),
    (
        "max_aliases",
        "--max-aliases",
        "SKILLGRAPH_MAX_ALIASES",
        "serve",
    ),
    (
        "max_selection_fields",
        "--max-selection-fields",
        "SKILLGRAPH_MAX_SELECTION_FIELDS",
        "serve",
    ),
    (
        "max_response_bytes",
        "--max-response-bytes",
        "SKILLGRAPH_MAX_RESPONSE_BYTES",
        "serve",
    ),
    (
        "request_timeout_secs",
        "--request-timeout-secs",
        "SKILLGRAPH_REQUEST_TIMEOUT_SECS",
        "serve",
    ),
    (
        "body_limit_bytes",
        "--body-limit-bytes",
        "SKILLGRAPH_BODY_LIMIT_BYTES",
        "serve",
    ),
    (
        "ws_init_timeout_secs",
        "--ws-init-timeout-secs",
        "SKILLGRAPH_WS_INIT_TIMEOUT_SECS",
        "serve",
    ),
    (
        "max_cost_in_flight",
        "--max-cost-in-flight",
        "SKILLGRAPH_MAX_COST_IN_FLIGHT",
        "serve",
    ),
    (
        "queue_timeout_secs",
        "--queue-timeout-secs",
        "SKILLGRAPH_QUEUE_TIMEOUT_SECS",
        "serve",
    ),
    ("unplanned", "--unplanned", "SKILLGRAPH_UNPLANNED", "serve"),
    (
        "answer_cache_rows",
        "--answer-cache-rows",
        "SKILLGRAPH_ANSWER_CACHE_ROWS",
        "serve",
    ),
];

#[test]
fn every_setting_has_a_flag_an_env_var_a_toml_key_and_a_readme_line() {
    let cmd = Cli::command();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for (key, flag, env, sub) in SETTINGS {
        let scope = if sub.is_empty() {
            &cmd
        } else {
            cmd.find_subcommand(sub).expect("subcommand")
        };
        let arg = scope
            .get_arguments()
            .find(|a| a.get_long().is_some_and(|l| format!("--{l}") == *flag))
            .unwrap_or_else(|| panic!("no flag {flag}"));
        assert_eq!(
            arg.get_env().and_then(|e| e.to_str()),
            Some(*env),
            "env of {flag}"
        );
        assert!(arg.get_help().is_some(), "{flag} has no help");
        // The TOML key exists (unknown keys are refused).
        let value = match *key {
            "database_url" => "\"sqlite::memory:\"".to_owned(),
            "bind" => "\"127.0.0.1:1\"".to_owned(),
            "admin_token" => "\"0123456789abcdef\"".to_owned(),
            "unplanned" => "true".to_owned(),
            _ => "7".to_owned(),
        };
        let layer: Result<ConfigLayer, _> = toml::from_str(&format!("{key} = {value}"));
        assert!(layer.is_ok(), "TOML key {key}: {:?}", layer.err());
        for text in [*key, *flag, *env] {
            assert!(readme.contains(text), "README does not mention {text}");
        }
    }
}

#[test]
fn flags_and_env_vars_reach_the_config_over_the_defaults() {
    let cli = Cli::try_parse_from([
        "skillgraph",
        "--db-acquire-timeout-secs",
        "3",
        "serve",
        "--max-root-fields",
        "2",
        "--max-selection-fields",
        "9",
        "--max-response-bytes",
        "4096",
        "--ws-init-timeout-secs",
        "4",
    ])
    .expect("parse");
    let c = cli.config().map_err(|e| e.detail()).expect("config");
    assert_eq!(c.budget.max_root_fields, 2);
    assert_eq!(c.budget.max_width, 9);
    assert_eq!(c.max_response_bytes, 4096);
    assert_eq!(c.ws_init_timeout, Duration::from_secs(4));
    assert_eq!(c.pool_options().acquire_timeout, Duration::from_secs(3));
    // Untouched settings keep their defaults.
    let d = Config::default();
    assert_eq!(c.budget.max_aliases, d.budget.max_aliases);
    assert_eq!(c.sqlite_busy_timeout, d.sqlite_busy_timeout);
    // Zero is refused at start-up.
    let zero = Cli::try_parse_from(["skillgraph", "serve", "--max-selection-fields", "0"])
        .expect("parse")
        .config();
    assert!(zero.is_err());
    // The environment variable, and a flag over it. (Only this test reads this variable.)
    std::env::set_var("SKILLGRAPH_MAX_ALIASES", "7");
    let env = Cli::try_parse_from(["skillgraph", "serve"]).expect("parse");
    let flag = Cli::try_parse_from(["skillgraph", "serve", "--max-aliases", "8"]).expect("parse");
    std::env::remove_var("SKILLGRAPH_MAX_ALIASES");
    let aliases = |cli: Cli| cli.config().map(|c| c.budget.max_aliases).ok();
    assert_eq!(aliases(env), Some(7));
    assert_eq!(aliases(flag), Some(8));
}

/// Ten top-level fields.
fn ten_roots() -> String {
    let fields: Vec<String> = (0..10)
        .map(|i| format!("a{i}: info {{ version }}"))
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

#[tokio::test]
async fn serve_flags_take_effect() {
    for engine in engines() {
        let cli = Cli::try_parse_from([
            "skillgraph",
            "serve",
            "--max-root-fields",
            "3",
            "--max-response-bytes",
            "300",
            // Explicit, as another test sets SKILLGRAPH_MAX_ALIASES for a moment.
            "--max-aliases",
            "200",
        ])
        .expect("parse");
        let mut layer = cli.layer();
        layer.admin_token = Some(skillgraph::config::Secret::new(ADMIN_TOKEN));
        let app = TestApp::with_config(engine, layer).await;
        skillgraph::catalog::seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("seed");

        // Three root fields pass, ten are refused by --max-root-fields.
        let ok = app
            .post(
                "{ a: info { version } b: info { version } c: info { version } }",
                json!({}),
                None,
            )
            .await;
        assert_eq!(ok.status, 200, "[{engine:?}] {}", ok.json());
        assert_eq!(
            ok.json()["data"]["a"]["version"],
            ok.json()["data"]["c"]["version"]
        );
        let refused = app.post(&ten_roots(), json!({}), None).await;
        assert_eq!(refused.status, 400);
        assert_eq!(first_code(&refused.json()), "QUERY_TOO_COMPLEX");
        assert!(
            refused.json()["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains('3')),
            "{}",
            refused.json()
        );

        // A page of skills is far over 300 bytes: --max-response-bytes refuses it.
        let big = app
            .post(
                "{ skills(first: 20) { nodes { name description } } }",
                json!({}),
                None,
            )
            .await;
        assert_eq!(big.status, 200);
        assert_eq!(
            first_code(&big.json()),
            "RESPONSE_TOO_LARGE",
            "{}",
            big.json()
        );
        assert_eq!(big.json()["data"], serde_json::Value::Null);
        app.cleanup().await;
    }
}

fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn metrics(router: &axum::Router) -> String {
    let resp = router
        .clone()
        .oneshot(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("metrics");
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8(body.to_vec()).expect("utf-8")
}

async fn query(router: &axum::Router, q: &str) -> serde_json::Value {
    let req = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "query": q }).to_string()))
        .expect("request");
    let resp = router.clone().oneshot(req).await.expect("response");
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("JSON")
}

#[tokio::test]
async fn an_exhausted_pool_answers_unavailable_and_counts_the_timeout() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // A server over the same database with a pool of one and a one-second wait.
        let layer = ConfigLayer {
            database_url: Some(app.url.clone()),
            db_max_connections: Some(1),
            db_acquire_timeout_secs: Some(1),
            ..Default::default()
        };
        let config = Config::build(&[layer])
            .map_err(|e| e.detail())
            .expect("config");
        let conn = db::connect_migrated_with(&app.url, &config.pool_options())
            .await
            .expect("connect");
        let state = AppState::new(conn, config);
        let router = skillgraph::app(state.clone());
        let q = "{ skill(by: { slug: \"python\" }) { name } }";
        assert_eq!(query(&router, q).await["data"]["skill"]["name"], "Python");
        let before = metrics(&router).await;
        assert_eq!(
            metric(&before, "skillgraph_db_pool_timeouts_total"),
            Some(0.0)
        );

        // A transaction holds the only connection: a request that needs it waits 1 s, then
        // gives up. (A count always does; on SQLite, lookups and pages are read in place, on
        // read connections of their own, and are still served.)
        let held = sea_orm::TransactionTrait::begin(&state.db)
            .await
            .expect("hold the connection");
        if engine == Engine::Sqlite {
            assert_eq!(
                query(&router, q).await["data"]["skill"]["name"],
                "Python",
                "read in place while the pool is exhausted"
            );
        }
        let counted = "{ skills(first: 1) { totalCount } }";
        let started = Instant::now();
        let v = query(&router, counted).await;
        let waited = started.elapsed();
        assert_eq!(first_code(&v), "UNAVAILABLE", "[{engine:?}] {v}");
        // An execution error: reported at the connection's path, not as a request error.
        assert_eq!(
            v["errors"][0]["path"],
            json!(["skills"]),
            "[{engine:?}] {v}"
        );
        assert!(!v.to_string().contains("PoolTimedOut"), "{v}");
        assert!(
            waited >= Duration::from_millis(900) && waited < Duration::from_secs(10),
            "{waited:?}"
        );
        let after = metrics(&router).await;
        assert_eq!(
            metric(&after, "skillgraph_db_pool_timeouts_total"),
            Some(1.0),
            "[{engine:?}] {after}"
        );
        assert_eq!(
            metric(&after, "skillgraph_errors_total{code=\"UNAVAILABLE\"}"),
            Some(1.0)
        );
        assert_eq!(
            metric(&after, "skillgraph_db_pool_connections_in_use"),
            Some(1.0)
        );

        // The connection back, the next request is served.
        held.rollback().await.expect("release");
        assert_eq!(query(&router, q).await["data"]["skill"]["name"], "Python");
        state.db.close().await.ok();
        app.cleanup().await;
    }
}
