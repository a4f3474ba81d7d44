//! `skillgraph-bench`: imports the real ESCO and O*NET releases with the release server binary
//! into a fresh SQLite file and, given a URL, a fresh PostgreSQL database; starts that binary's
//! `serve` on a free loopback port for each; drives fixed GraphQL requests at it over HTTP at a
//! fixed number of connections; prints req/s, p50/p99, errors, CPU per request (server and
//! PostgreSQL backends), SQL statements per request and the server's idle and peak RSS.
mod drive;
mod report;
mod scenarios;
mod server;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{bail, Context, Result};
use clap::Parser;
use serde_json::json;
use sqlx::Connection as _;

use drive::Load;
use report::{EngineReport, Row};
use scenarios::Dialect;
use server::{Binary, Server};

#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Also bench PostgreSQL: an admin URL on the server to use (a `skillgraph_bench`
    /// database is created there and dropped afterwards).
    #[arg(long, env = "SKILLGRAPH_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// The database the bench creates (and drops) on that server; give another name to run two
    /// benches side by side.
    #[arg(long, default_value = "skillgraph_bench")]
    pg_database: String,
    /// Bench PostgreSQL only.
    #[arg(long)]
    skip_sqlite: bool,
    /// The folder holding `esco-v1.1.1` and `onet-29.3`.
    #[arg(long, env = "SKILLGRAPH_BENCH_DATA", default_value = "../shared/data")]
    data_dir: PathBuf,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds each scenario is measured.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of unmeasured warm-up before each scenario.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Only these scenarios (comma-separated): q1, q2, q3, rsf, learning-path, related-skills.
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// Seed of the random picks (which slug or id each request uses).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The server binary (default: `skillgraph` beside this program, built first with
    /// `cargo build --release` when run through cargo).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Passed on to the server as `--db-max-connections`.
    #[arg(long)]
    db_max_connections: Option<u32>,
    /// An argument passed on to `skillgraph serve` (repeat for several), e.g.
    /// `--serve-arg=--answer-cache-rows=0` to bench without the answer cache.
    #[arg(long = "serve-arg", allow_hyphen_values = true)]
    serve_args: Vec<String>,
    /// Where the SQLite file and the logs go (default: a new temp directory).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Keep the work directory and the PostgreSQL database afterwards.
    #[arg(long)]
    keep: bool,
    /// Bench the databases a `--keep` run left (in `--work-dir`, and `skillgraph_bench`)
    /// without importing again, and keep them; e.g. to profile one scenario.
    #[arg(long)]
    no_import: bool,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Seconds to wait, with no load, after the last scenario before reading the server's RSS
    /// again ("memory returns after a spike"); 0 skips it.
    #[arg(long, default_value_t = 10.0)]
    settle: f64,
    /// Also bench PostGraphile 5 over the same PostgreSQL database, after skillgraph, with
    /// the same shapes in its generated schema: the folder where `npm ci` installed
    /// `bench/postgraphile` (e.g. `npm ci --prefix bench/postgraphile`, then
    /// `--postgraphile bench/postgraphile`). Needs --postgres-url.
    #[arg(long)]
    postgraphile: Option<PathBuf>,
}

impl Args {
    fn validate(&self) -> Result<()> {
        if !(1..=1024).contains(&self.connections) {
            bail!("--connections must be between 1 and 1024");
        }
        if !(self.duration > 0.0 && self.duration <= 600.0) {
            bail!("--duration must be over 0 and at most 600 seconds");
        }
        if !(0.0..=60.0).contains(&self.warmup) {
            bail!("--warmup must be between 0 and 60 seconds");
        }
        if !(0.0..=600.0).contains(&self.settle) {
            bail!("--settle must be between 0 and 600 seconds");
        }
        if self.no_import && !self.skip_sqlite && self.work_dir.is_none() {
            bail!("--no-import needs the --work-dir of a --keep run (or --skip-sqlite)");
        }
        if self.skip_sqlite && self.postgres_url.is_none() {
            bail!("--skip-sqlite needs --postgres-url");
        }
        if self.postgraphile.is_some() && self.postgres_url.is_none() {
            bail!("--postgraphile needs --postgres-url (it serves the PostgreSQL database)");
        }
        for s in &self.scenarios {
            if !scenarios::ALL.iter().any(|(k, _)| k == s) {
                bail!("unknown scenario '{s}'");
            }
        }
        if self.pg_database.is_empty()
            || self.pg_database.len() > 63
            || !self
                .pg_database
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            bail!("--pg-database must be 1 to 63 of a-z, 0-9 and _");
        }
        if let Some(u) = &self.postgres_url {
            if !u.starts_with("postgres://") && !u.starts_with("postgresql://") {
                bail!("--postgres-url must start with postgres:// or postgresql://");
            }
        }
        Ok(())
    }

    fn load(&self, duration: f64) -> Load {
        Load {
            connections: self.connections,
            duration: Duration::from_secs_f64(duration),
            seed: self.seed,
        }
    }
}

/// The two releases under `data_dir`, or a clear refusal.
fn releases(data_dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let esco = data_dir.join("esco-v1.1.1");
    let onet = data_dir.join("onet-29.3");
    for (dir, what) in [(&esco, "ESCO v1.1.1"), (&onet, "O*NET 29.3")] {
        if !dir.is_dir() {
            bail!(
                "no real data: {what} is not at {} (the bench imports the real releases; \
                 pass --data-dir DIR or SKILLGRAPH_BENCH_DATA with esco-v1.1.1/ and onet-29.3/)",
                dir.display()
            );
        }
    }
    Ok((esco, onet))
}

/// The release server binary: the given one, or `skillgraph` beside this program, built
/// first when this runs under cargo (which sets `CARGO`).
fn server_binary(given: Option<&Path>) -> Result<Binary> {
    if let Some(p) = given {
        if !p.is_file() {
            bail!("--server-bin {}: no such file", p.display());
        }
        return Ok(Binary { exe: p.to_owned() });
    }
    if cfg!(debug_assertions) {
        eprintln!("WARNING: a debug build of the bench; run it with `cargo run --release -p skillgraph-bench`");
    }
    let me = std::env::current_exe().context("where is this program?")?;
    let dir = me.parent().context("this program has no folder")?;
    if let Ok(cargo) = std::env::var("CARGO") {
        let mut cmd = std::process::Command::new(cargo);
        cmd.args(["build", "-q", "-p", "skillgraph", "--bin", "skillgraph"]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        eprintln!("building the server: {cmd:?}");
        let status = cmd.status().context("cannot run cargo")?;
        if !status.success() {
            bail!("building the server failed ({status})");
        }
    }
    let exe = dir.join("skillgraph");
    if !exe.is_file() {
        bail!(
            "no server binary at {}: build it with `cargo build --release` or pass --server-bin",
            exe.display()
        );
    }
    Ok(Binary { exe })
}

/// `url` with its database replaced by `name` (host, credentials and query kept).
fn pg_url_for(url: &str, name: &str) -> String {
    let (prefix, rest) = url.split_at(url.find("://").map_or(0, |i| i + 3));
    let (hostpart, query) = match rest.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (rest, String::new()),
    };
    let host = hostpart.split('/').next().unwrap_or(hostpart);
    format!("{prefix}{host}/{name}{query}")
}

async fn pg_admin(admin_url: &str, sql: String) -> Result<()> {
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .context("cannot connect to PostgreSQL at --postgres-url")?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut c)
        .await
        .context("PostgreSQL")?;
    c.close().await.ok();
    Ok(())
}

async fn recreate_pg_database(admin_url: &str, name: &str) -> Result<()> {
    pg_admin(
        admin_url,
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await?;
    pg_admin(admin_url, format!("CREATE DATABASE {name}")).await
}

/// The machine's load averages (1, 5, 15 min).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

struct Target {
    engine: &'static str,
    url: String,
    pg_database: Option<String>,
}

/// Drives one scenario: a first request read whole (its size, its first error), warm-up, then
/// the measured run with the counters, CPU and memory read around it.
async fn run_scenario(
    server: &Server,
    client: &reqwest::Client,
    url: &str,
    s: &scenarios::Scenario,
    target: &Target,
    args: &Args,
) -> Result<Row> {
    let mut row = Row {
        scenario: s.key,
        label: scenarios::label(s.key),
        engine: target.engine,
        ..Default::default()
    };
    if let Some(why) = s.skip {
        row.skipped = true;
        row.note = Some(format!("skipped: {why}"));
        return Ok(row);
    }
    let Some(first) = s.bodies.first() else {
        row.skipped = true;
        row.note = Some("skipped: no values to rotate over".into());
        return Ok(row);
    };
    let variables = serde_json::from_str::<serde_json::Value>(first)
        .map(|b| b["variables"].clone())
        .unwrap_or(json!({}));
    match scenarios::query(client, url, s.query, variables).await {
        Ok(sample) => row.objects_per_response = scenarios::count_named(&sample),
        Err(e) => eprintln!("  {:<42} first request failed: {e:#}", row.label),
    }
    if args.warmup > 0.0 {
        drive::drive(client, url, &s.bodies, args.load(args.warmup)).await;
    }
    server.reset_peak();
    let before = server.counters().await?;
    let cpu_before = server.cpu_ms();
    let own_before = server::own_cpu_ms();
    let db_before = target
        .pg_database
        .as_deref()
        .map(server::pg_backends_cpu_ms);
    let out = drive::drive(client, url, &s.bodies, args.load(args.duration)).await;
    let cpu = server.cpu_ms().saturating_sub(cpu_before);
    let own = server::own_cpu_ms().saturating_sub(own_before);
    let db_cpu = match (target.pg_database.as_deref(), &db_before) {
        (Some(name), Some(before)) => Some(server::cpu_delta_ms(
            before,
            &server::pg_backends_cpu_ms(name),
        )),
        _ => None,
    };
    let after = server.counters().await?;
    let mem = server.memory();
    let per_request = |ms: u64| ms as f64 / out.requests.max(1) as f64;
    row.requests = out.requests;
    row.errors = out.errors;
    row.note = out.first_error.clone();
    row.seconds = out.elapsed.as_secs_f64();
    row.req_per_s = out.per_second();
    row.p50_ms = out.quantile_ms(0.5);
    row.p99_ms = out.quantile_ms(0.99);
    row.max_ms = out.quantile_ms(1.0);
    row.sql_per_request = before.zip(after).and_then(|(before, after)| {
        let graphql = after
            .graphql_requests
            .saturating_sub(before.graphql_requests);
        (graphql > 0).then(|| {
            after.sql_statements.saturating_sub(before.sql_statements) as f64 / graphql as f64
        })
    });
    row.server_cpu_ms_per_request = per_request(cpu);
    row.db_cpu_ms_per_request = db_cpu.map(per_request);
    row.client_cpu_ms_per_request = per_request(own);
    row.peak_rss_mib = mib(mem.peak_kib);
    row.kib_per_response = out.bytes as f64 / 1024.0 / out.requests.max(1) as f64;
    eprintln!(
        "  {:<42} {:>8.1} req/s  p50 {:>8.2} ms  p99 {:>8.2} ms  {} errors  {:>6.2} CPU ms/req (bench {:.2})  {} SQL/req  {:.1} MiB",
        row.label,
        row.req_per_s,
        row.p50_ms,
        row.p99_ms,
        row.errors,
        row.server_cpu_ms_per_request,
        row.client_cpu_ms_per_request,
        row.sql_per_request.map_or_else(|| "?".into(), |v| format!("{v:.2}")),
        row.peak_rss_mib
    );
    Ok(row)
}

/// Imports the releases into `target`, serves it and benches it; then PostGraphile over the
/// same database when asked (`--postgraphile`) and `target` is PostgreSQL.
async fn bench_engine(
    target: &Target,
    bin: &Binary,
    args: &Args,
    data: &(PathBuf, PathBuf),
    work: &Path,
) -> Result<Vec<EngineReport>> {
    let log = work.join(format!("{}.log", target.engine.to_lowercase()));
    let esco = data.0.to_string_lossy().into_owned();
    let onet = data.1.to_string_lossy().into_owned();
    let mut steps = Vec::new();
    // The curated catalog, both releases, then ESCO again: a re-import that changes nothing.
    let steps_wanted = if args.no_import {
        Vec::new()
    } else {
        vec![
            ("seed", vec!["seed"]),
            ("import esco", vec!["import", "esco", esco.as_str()]),
            ("import onet", vec!["import", "onet", onet.as_str()]),
            ("re-import esco", vec!["import", "esco", esco.as_str()]),
        ]
    };
    for (name, step) in steps_wanted {
        let took = bin.run(&target.url, &step, &log).await?;
        eprintln!("[{}] {name} in {:.1} s", target.engine, took.as_secs_f64());
        steps.push((name, took.as_secs_f64()));
    }
    let server = Server::start(
        bin,
        &target.url,
        args.db_max_connections,
        &args.serve_args,
        &log,
    )
    .await?;
    // Let start-up work (caches, the LISTEN task) settle before reading the idle RSS.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory();
    eprintln!(
        "[{}] server pid {} at {}: {:.1} MiB resident when idle; log {}",
        target.engine,
        server.pid(),
        server.base,
        mib(idle.rss_kib),
        log.display()
    );
    let mut report = EngineReport {
        engine: target.engine,
        import_seconds: steps,
        idle_rss_mib: mib(idle.rss_kib),
        load_average_before: load_average(),
        ..Default::default()
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(args.connections)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()?;
    let ran = async {
        let url = format!("{}/graphql", server.base);
        let pools = scenarios::pools(&client, &url).await?;
        eprintln!(
            "[{}] {} roles, {} most demanded skills to rotate over",
            target.engine,
            pools.role_slugs.len(),
            pools.top_skill_ids.len()
        );
        let plan = scenarios::plan(&pools, &args.scenarios, Dialect::Skillgraph);
        drive_all(&server, &client, &plan, target, args, &mut report).await?;
        anyhow::Ok(pools)
    }
    .await;
    report.load_average_after = load_average();
    let stopped = server.stop().await;
    let pools = ran?;
    stopped?;
    let mut reports = vec![report];
    if let (Some(dir), Some(_)) = (&args.postgraphile, &target.pg_database) {
        reports.push(bench_postgraphile(dir, target, args, &pools, &client, work).await?);
    }
    Ok(reports)
}

/// Runs `plan` against `server` into `report`, then waits `--settle` seconds with no load and
/// reads the server's RSS again.
async fn drive_all(
    server: &Server,
    client: &reqwest::Client,
    plan: &[scenarios::Scenario],
    target: &Target,
    args: &Args,
    report: &mut EngineReport,
) -> Result<()> {
    let url = format!("{}/graphql", server.base);
    for s in plan {
        let row = run_scenario(server, client, &url, s, target, args).await?;
        report.peak_rss_mib = report.peak_rss_mib.max(row.peak_rss_mib);
        report.rows.push(row);
    }
    if args.settle > 0.0 && report.rows.iter().any(|r| !r.skipped) {
        // The load has stopped: what the server keeps of the last scenario's spike.
        tokio::time::sleep(Duration::from_secs_f64(args.settle)).await;
        let after = server.memory();
        report.rss_after_mib = Some(mib(after.rss_kib));
        report.settle_seconds = args.settle;
        eprintln!(
            "[{}] {:.1} MiB resident {:.0} s after the load",
            report.engine,
            mib(after.rss_kib),
            args.settle
        );
    }
    Ok(())
}

/// PostGraphile 5 over the same PostgreSQL database, driven with the same shapes and values
/// (see [`scenarios::postgraphile`]).
async fn bench_postgraphile(
    dir: &Path,
    target: &Target,
    args: &Args,
    pools: &scenarios::Pools,
    client: &reqwest::Client,
    work: &Path,
) -> Result<EngineReport> {
    const ENGINE: &str = "PostGraphile 5";
    let log = work.join("postgraphile.log");
    let server = Server::postgraphile(dir, &target.url, &log).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory();
    eprintln!(
        "[{ENGINE}] pid {} at {}: {:.1} MiB resident when idle; log {}",
        server.pid(),
        server.base,
        mib(idle.rss_kib),
        log.display()
    );
    let mut report = EngineReport {
        engine: ENGINE,
        idle_rss_mib: mib(idle.rss_kib),
        load_average_before: load_average(),
        ..Default::default()
    };
    let rival = Target {
        engine: ENGINE,
        url: target.url.clone(),
        pg_database: target.pg_database.clone(),
    };
    let plan = scenarios::plan(pools, &args.scenarios, Dialect::PostGraphile);
    let ran = drive_all(&server, client, &plan, &rival, args, &mut report).await;
    report.load_average_after = load_average();
    let stopped = server.stop().await;
    ran?;
    stopped?;
    Ok(report)
}

async fn run(args: Args) -> Result<bool> {
    args.validate()?;
    let data = releases(&args.data_dir)?;
    let bin = server_binary(args.server_bin.as_deref())?;
    let (work, made_work) = match &args.work_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("skillgraph-bench-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;

    let mut targets = Vec::new();
    if !args.skip_sqlite {
        let file = work.join("bench.sqlite");
        if !args.no_import {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", file.display())).ok();
            }
        }
        targets.push(Target {
            engine: "SQLite",
            url: format!("sqlite://{}?mode=rwc", file.display()),
            pg_database: None,
        });
    }
    if let Some(admin) = &args.postgres_url {
        if !args.no_import {
            recreate_pg_database(admin, &args.pg_database).await?;
        }
        targets.push(Target {
            engine: "PostgreSQL",
            url: pg_url_for(admin, &args.pg_database),
            pg_database: Some(args.pg_database.clone()),
        });
    }
    eprintln!(
        "each scenario: {} connections, {} s warm-up, {} s measured; server {}",
        args.connections,
        args.warmup,
        args.duration,
        bin.exe.display()
    );

    let mut reports = Vec::new();
    let mut failure = None;
    for t in &targets {
        match bench_engine(t, &bin, &args, &data, &work).await {
            Ok(r) => reports.extend(r),
            Err(e) => {
                eprintln!("[{}] bench failed: {e:#}", t.engine);
                failure = Some(e);
                break;
            }
        }
    }
    let keep = args.keep || args.no_import;
    if let (Some(admin), false) = (&args.postgres_url, keep) {
        if let Err(e) = pg_admin(
            admin,
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", args.pg_database),
        )
        .await
        {
            eprintln!("could not drop {}: {e:#}", args.pg_database);
        }
    }

    if !reports.is_empty() {
        println!();
        println!(
            "skillgraph-bench {}: {} connections, {} s per scenario after {} s warm-up; {} CPU cores shared by server, database and load generator",
            env!("CARGO_PKG_VERSION"),
            args.connections,
            args.duration,
            args.warmup,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!();
        print!("{}", report::table(&reports));
        println!();
        print!("{}", report::notes(&reports));
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&reports)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if failure.is_some() || keep {
        eprintln!("work directory kept: {}", work.display());
    } else if made_work {
        std::fs::remove_dir_all(&work).ok();
    } else {
        for f in [
            "bench.sqlite",
            "bench.sqlite-wal",
            "bench.sqlite-shm",
            "sqlite.log",
            "postgresql.log",
            "postgraphile.log",
        ] {
            std::fs::remove_file(work.join(f)).ok();
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(reports.iter().flat_map(|r| &r.rows).all(|r| r.errors == 0))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        // Scenarios that answered with errors are reported above; the run itself completed.
        Ok(false) => {
            eprintln!("some scenarios answered with errors (see above)");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("skillgraph-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_url_keeps_host_credentials_and_query() {
        assert_eq!(
            pg_url_for("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            pg_url_for("postgresql://u:p@h/db?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(pg_url_for("postgres://h:5432", "x"), "postgres://h:5432/x");
    }

    #[test]
    fn missing_data_is_refused_with_a_clear_message() {
        let e = releases(Path::new("/nonexistent/shared/data")).map(|_| ());
        let msg = format!("{:#}", e.err().map(|e| e.to_string()).unwrap_or_default());
        assert!(
            msg.contains("no real data") && msg.contains("esco-v1.1.1"),
            "{msg}"
        );
    }

    #[test]
    fn arguments_are_validated() {
        let parse = |a: &[&str]| {
            Args::try_parse_from(std::iter::once("b").chain(a.iter().copied()))
                .map_err(anyhow::Error::from)
                .and_then(|a| a.validate())
        };
        assert!(parse(&[]).is_ok());
        assert!(parse(&["--connections", "0"]).is_err());
        assert!(parse(&["--duration", "0"]).is_err());
        assert!(parse(&["--skip-sqlite"]).is_err());
        assert!(parse(&["--scenarios", "q1,nope"]).is_err());
        assert!(parse(&["--postgres-url", "mysql://x"]).is_err());
        assert!(parse(&["--scenarios", "q1,related-skills"]).is_ok());
        assert!(parse(&["--postgraphile", "bench/postgraphile"]).is_err());
        assert!(parse(&[
            "--postgraphile",
            "bench/postgraphile",
            "--postgres-url",
            "postgres://h/db"
        ])
        .is_ok());
        assert!(parse(&["--pg-database", "bench_perf"]).is_ok());
        assert!(parse(&["--pg-database", "x; DROP"]).is_err());
    }
}
