//! `skillgraph bench` (feature `bench`): generates an ESCO-sized graph, loads it into a fresh
//! SQLite file and, given a URL, a fresh PostgreSQL database, starts the real server on each as
//! a separate process, drives fixed GraphQL queries at it over loopback HTTP and prints
//! throughput, latency, SQL statements per request, errors and the server's peak memory.
mod drive;
mod graph;
mod load;
mod report;
mod scenarios;
mod server;

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use clap::Args;
use serde_json::Value;

use crate::{
    db,
    error::{AppError, AppResult},
};
use drive::Load;
use report::{EngineReport, Row, Status};
use scenarios::Planned;
use server::Server;

const PG_DATABASE: &str = "skillgraph_bench";

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Also bench PostgreSQL: an admin URL on the server to use (a `skillgraph_bench`
    /// database is created there and dropped afterwards).
    #[arg(long, env = "SKILLGRAPH_BENCH_POSTGRES_URL")]
    pub postgres_url: Option<String>,
    /// Bench PostgreSQL only.
    #[arg(long)]
    pub skip_sqlite: bool,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    pub connections: usize,
    /// Seconds each scenario runs (default 10; an upper bound when --requests is given).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Requests per scenario, over all connections (default: as many as fit in --duration).
    #[arg(long)]
    pub requests: Option<u64>,
    /// Seconds of unmeasured warm-up before each scenario.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,
    /// Size of the graph: 1.0 is ESCO-sized (14k skills, 120k role–skill edges).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Seed of the generated graph and of the random picks.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Only these scenarios (comma-separated): list, nested, roles-skills-frameworks,
    /// deep-page, skill-by-id, skill-by-slug, search, node.
    #[arg(long, value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// The server binary to bench (default: this one), e.g. another build to compare with.
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
    /// Run `ANALYZE` on the SQLite file after loading (the server never does).
    #[arg(long)]
    pub sqlite_analyze: bool,
    /// Where the SQLite file and the server logs go (default: a new temp directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Keep the work directory and the PostgreSQL database afterwards.
    #[arg(long)]
    pub keep: bool,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

impl BenchArgs {
    fn validate(&self) -> AppResult<()> {
        let bad = |m: &str| Err(AppError::Validation(m.to_owned()));
        if !(1..=1024).contains(&self.connections) {
            return bad("--connections must be between 1 and 1024");
        }
        if self.duration.is_some_and(|d| !(d > 0.0 && d <= 600.0)) {
            return bad("--duration must be over 0 and at most 600 seconds");
        }
        if self.requests == Some(0) {
            return bad("--requests must be positive");
        }
        if !(0.0..=60.0).contains(&self.warmup) {
            return bad("--warmup must be between 0 and 60 seconds");
        }
        if !(self.scale > 0.0 && self.scale <= 10.0) {
            return bad("--scale must be over 0 and at most 10");
        }
        if self.skip_sqlite && self.postgres_url.is_none() {
            return bad("--skip-sqlite needs --postgres-url");
        }
        for s in &self.scenarios {
            if !scenarios::ALL.iter().any(|(k, _)| k == s) {
                return Err(AppError::Validation(format!("unknown scenario '{s}'")));
            }
        }
        if let Some(u) = &self.postgres_url {
            if !u.starts_with("postgres") {
                return bad("--postgres-url must start with postgres:// or postgresql://");
            }
        }
        Ok(())
    }

    fn load(&self) -> Load {
        let default = if self.requests.is_some() { 600.0 } else { 10.0 };
        Load {
            connections: self.connections,
            duration: Duration::from_secs_f64(self.duration.unwrap_or(default)),
            requests: self.requests,
            seed: self.seed,
        }
    }
}

/// The machine's load averages (1, 5, 15 min) and runnable/total tasks.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(4).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// How many skill/framework/role objects an answer holds (objects with a `slug`).
fn count_nodes(v: &Value) -> usize {
    match v {
        Value::Object(m) => {
            usize::from(m.contains_key("slug")) + m.values().map(count_nodes).sum::<usize>()
        }
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

struct Target {
    engine: &'static str,
    url: String,
}

/// Runs every planned scenario against a started server.
async fn run_scenarios(
    server: &Server,
    pg_database: Option<&str>,
    args: &BenchArgs,
    skills: usize,
    report: &mut EngineReport,
) -> AppResult<()> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(args.connections)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(internal)?;
    let url = format!("{}/graphql", server.base);
    // About 10k skills in (70% of a smaller graph), whole pages of 100.
    let deep = (skills * 7 / 10).min(10_000) / 100 * 100;
    let pools = scenarios::pools(&client, &url, deep).await?;
    let plan = scenarios::plan(&client, &url, &pools, &args.scenarios).await?;
    let load = args.load();
    for planned in plan {
        let s = match planned {
            Planned::Skip { key, reason } => {
                eprintln!("  {:<42} skipped: {reason}", scenarios::label(key));
                report.scenarios.push(Row::skipped(key, reason));
                continue;
            }
            Planned::Run(s) => s,
        };
        let label = scenarios::label(s.key);
        let mut row = Row::skipped(s.key, String::new());
        row.note = None;
        row.query = Some(s.query.clone());
        // One request first, read whole: is the answer right, and how big is it?
        let variables = serde_json::from_slice::<Value>(&s.bodies[0])
            .map(|b| b["variables"].clone())
            .unwrap_or_default();
        match scenarios::query(&client, &url, &s.query, variables).await {
            Ok(sample) => row.nodes_per_response = count_nodes(&sample),
            Err(e) => {
                row.status = Status::Fail;
                row.errors = 1;
                row.requests = 1;
                row.note = Some(e.detail());
                eprintln!("  {label:<42} FAILED: {}", e.detail());
                report.scenarios.push(row);
                continue;
            }
        }
        server.reset_peak();
        if args.warmup > 0.0 {
            drive::drive(
                &client,
                &url,
                &s.bodies,
                Load {
                    duration: Duration::from_secs_f64(args.warmup),
                    requests: None,
                    ..load
                },
            )
            .await;
        }
        let before = server.counters().await?;
        let cpu_before = server.cpu_ms();
        let db_before = pg_database.map(server::pg_backends_cpu_ms);
        let out = drive::drive(&client, &url, &s.bodies, load).await;
        let cpu = server.cpu_ms().saturating_sub(cpu_before);
        let db_cpu = match (pg_database, &db_before) {
            (Some(name), Some(before)) => Some(server::cpu_delta_ms(
                before,
                &server::pg_backends_cpu_ms(name),
            )),
            _ => None,
        };
        let after = server.counters().await?;
        let mem = server.memory();
        let reqs = after
            .graphql_requests
            .saturating_sub(before.graphql_requests);
        row.status = if out.errors > 0 {
            Status::Fail
        } else {
            Status::Ok
        };
        row.requests = out.requests;
        row.seconds = out.elapsed.as_secs_f64();
        row.req_per_s = out.per_second();
        row.p50_ms = out.quantile_ms(0.5);
        row.p99_ms = out.quantile_ms(0.99);
        row.max_ms = out.quantile_ms(1.0);
        row.sql_per_request = (reqs > 0).then(|| {
            after.sql_statements.saturating_sub(before.sql_statements) as f64 / reqs as f64
        });
        let per_request = |ms: u64| ms as f64 / out.requests.max(1) as f64;
        row.server_cpu_ms_per_request = Some(per_request(cpu));
        row.db_cpu_ms_per_request = db_cpu.map(per_request);
        row.errors = out.errors;
        row.note = out.first_error;
        row.peak_rss_mib = mib(mem.peak_kib);
        row.kib_per_response = out.bytes as f64 / 1024.0 / out.requests.max(1) as f64;
        report.peak_rss_mib = report.peak_rss_mib.max(row.peak_rss_mib);
        eprintln!(
            "  {label:<42} {:>8.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  {:>5} SQL/req  {:>6} CPU ms/req  {} errors  {:.1} MiB",
            row.req_per_s,
            row.p50_ms,
            row.p99_ms,
            row.sql_per_request.map(|v| format!("{v:.2}")).unwrap_or_else(|| "?".into()),
            report::cpu_cell(&row),
            row.errors,
            row.peak_rss_mib
        );
        report.scenarios.push(row);
    }
    Ok(())
}

/// Loads the graph into `target`, serves it and benches it.
async fn bench_engine(
    target: &Target,
    g: &graph::Graph,
    args: &BenchArgs,
    db_max_connections: Option<u32>,
    exe: &Path,
    work: &Path,
) -> AppResult<EngineReport> {
    let conn = db::connect(&target.url, 4).await?;
    let took = load::load(&conn, g).await?;
    if conn.get_database_backend() == sea_orm::DbBackend::Sqlite {
        use sea_orm::ConnectionTrait;
        if args.sqlite_analyze {
            conn.execute_unprepared("ANALYZE").await?;
        }
        // Start the server from a checkpointed file, as after any quiet period.
        conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    conn.close().await.ok();
    let rows = g.rows();
    eprintln!(
        "[{}] loaded {rows} rows in {:.2} s ({:.0} rows/s)",
        target.engine,
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64().max(1e-9)
    );
    let log = work.join(format!("server-{}.log", target.engine.to_lowercase()));
    let server = Server::start(exe, &target.url, db_max_connections, &log).await?;
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
        rows_loaded: rows,
        load_seconds: took.as_secs_f64(),
        idle_rss_mib: mib(idle.rss_kib),
        load_average: [load_average(), String::new()],
        peak_rss_mib: mib(idle.peak_kib),
        scenarios: Vec::new(),
    };
    let pg_database = (target.engine == "PostgreSQL").then_some(PG_DATABASE);
    let ran = run_scenarios(&server, pg_database, args, g.skills.len(), &mut report).await;
    report.load_average[1] = load_average();
    let stopped = server.stop().await;
    ran?;
    stopped?;
    Ok(report)
}

/// Runs the bench; `db_max_connections` is the global flag, passed on to the servers.
pub async fn run(args: BenchArgs, db_max_connections: Option<u32>) -> AppResult<()> {
    args.validate()?;
    if cfg!(debug_assertions) {
        eprintln!(
            "WARNING: a debug build; measure with `cargo run --release --features bench -- bench`"
        );
    }
    let exe = match &args.server_bin {
        Some(p) => p.clone(),
        None => std::env::current_exe().map_err(internal)?,
    };
    let (work, made_work) = match &args.work_dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("skillgraph-bench-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&work).map_err(internal)?;

    let started = Instant::now();
    let g = graph::generate(args.seed, graph::Sizes::esco(args.scale));
    eprintln!(
        "generated {} rows in {:.2} s (seed {}, scale {}): {}",
        g.rows(),
        started.elapsed().as_secs_f64(),
        args.seed,
        args.scale,
        g.counts()
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let load = args.load();
    eprintln!(
        "each scenario: {} connections, {} s warm-up, then {}",
        load.connections,
        args.warmup,
        match load.requests {
            Some(n) => format!(
                "{n} requests (at most {:.0} s)",
                load.duration.as_secs_f64()
            ),
            None => format!("{:.0} s", load.duration.as_secs_f64()),
        }
    );

    let mut targets = Vec::new();
    if !args.skip_sqlite {
        let file = work.join("bench.sqlite");
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", file.display()));
            if p.exists() {
                std::fs::remove_file(&p).map_err(internal)?;
            }
        }
        targets.push(Target {
            engine: "SQLite",
            url: format!("sqlite://{}?mode=rwc", file.display()),
        });
    }
    if let Some(admin) = &args.postgres_url {
        load::recreate_pg_database(admin, PG_DATABASE).await?;
        targets.push(Target {
            engine: "PostgreSQL",
            url: load::pg_url_for(admin, PG_DATABASE),
        });
    }

    let mut reports = Vec::new();
    let mut failure = None;
    for t in &targets {
        match bench_engine(t, &g, &args, db_max_connections, &exe, &work).await {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("[{}] bench failed: {}", t.engine, e.detail());
                failure = Some(e);
                break;
            }
        }
    }
    if let (Some(admin), false) = (&args.postgres_url, args.keep) {
        if let Err(e) = load::drop_pg_database(admin, PG_DATABASE).await {
            eprintln!("could not drop {PG_DATABASE}: {}", e.detail());
        }
    }

    if !reports.is_empty() {
        println!();
        println!(
            "skillgraph {} bench: {} connections, {} s per scenario, seed {}, scale {}",
            env!("CARGO_PKG_VERSION"),
            load.connections,
            load.duration.as_secs_f64(),
            args.seed,
            args.scale
        );
        println!(
            "{} CPU cores shared by the server, the bench client and the database",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0)
        );
        for r in &reports {
            println!(
                "{}: {} rows loaded in {:.2} s; server {:.1} MiB idle, {:.1} MiB peak; load average {} → {}",
                r.engine,
                r.rows_loaded,
                r.load_seconds,
                r.idle_rss_mib,
                r.peak_rss_mib,
                r.load_average[0],
                r.load_average[1]
            );
        }
        println!();
        print!("{}", report::table(&reports));
        println!();
        print!("{}", report::notes(&reports));
        println!();
        println!("Against the product brief's peer (its figures are from other hardware: a ratio, not a verdict):");
        println!();
        print!("{}", report::peers(&reports));
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&reports).map_err(internal)?;
        std::fs::write(path, text).map_err(internal)?;
    }

    if failure.is_some() || args.keep {
        eprintln!("work directory kept: {}", work.display());
    } else if made_work {
        std::fs::remove_dir_all(&work).ok();
    } else {
        // A given directory stays; only what we made in it goes.
        for f in [
            "bench.sqlite",
            "bench.sqlite-wal",
            "bench.sqlite-shm",
            "server-sqlite.log",
            "server-postgresql.log",
        ] {
            std::fs::remove_file(work.join(f)).ok();
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let failed = reports
        .iter()
        .flat_map(|r| &r.scenarios)
        .filter(|r| r.status == Status::Fail)
        .count();
    if failed > 0 {
        return Err(AppError::Internal(format!(
            "{failed} scenario run(s) answered with errors"
        )));
    }
    Ok(())
}
