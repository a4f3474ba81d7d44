//! The server under test: the real release binary, run for `import` and `serve` as child
//! processes (or PostGraphile 5, to compare); its `/metrics` counters, its CPU and memory from
//! /proc, and a clean SIGTERM stop.
use std::{
    collections::HashMap,
    net::{Ipv4Addr, SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use nix::{sys::signal, unistd::Pid};
use tokio::process::{Child, Command};

/// The server binary and where its output goes.
pub struct Binary {
    pub exe: PathBuf,
}

impl Binary {
    fn command(&self, database_url: &str) -> Command {
        let mut cmd = Command::new(&self.exe);
        // Only our flags configure it: no SKILLGRAPH_* from the caller's environment.
        for (k, _) in std::env::vars() {
            if k.starts_with("SKILLGRAPH_") {
                cmd.env_remove(k);
            }
        }
        cmd.arg("--database-url").arg(database_url);
        cmd
    }

    /// Runs `skillgraph --database-url URL ARGS…` to completion, its output appended to `log`;
    /// returns the wall time.
    pub async fn run(&self, database_url: &str, args: &[&str], log: &Path) -> Result<Duration> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("cannot open {}", log.display()))?;
        let err = out.try_clone()?;
        let started = Instant::now();
        let status = self
            .command(database_url)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .status()
            .await
            .with_context(|| format!("cannot run {}", self.exe.display()))?;
        if !status.success() {
            bail!(
                "`skillgraph {}` failed ({status}); see {}",
                args.join(" "),
                log.display()
            );
        }
        Ok(started.elapsed())
    }
}

pub struct Server {
    child: Child,
    pid: u32,
    pub base: String,
    client: reqwest::Client,
    /// Whether it serves skillgraph's `/metrics` (PostGraphile does not).
    metrics: bool,
}

/// The counters read before and after a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub sql_statements: u64,
    pub graphql_requests: u64,
}

/// Resident memory, KiB: now (VmRSS) and the peak (VmHWM).
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("no free port")?;
    Ok(l.local_addr()?.port())
}

/// CPU time a process has used, user + system, all threads, in ms (10 ms resolution).
fn cpu_ms_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the parenthesised name: state is field 0, utime field 11, stime field 12.
    let (_, rest) = stat.rsplit_once(')')?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux ABI.
    Some(ticks * 10)
}

/// CPU time this process (the bench) has used, in ms.
pub fn own_cpu_ms() -> u64 {
    cpu_ms_of(std::process::id()).unwrap_or(0)
}

/// CPU time (ms) used so far by each PostgreSQL backend serving `database`, by pid: their
/// process titles read "postgres: … USER DATABASE HOST(PORT) STATE".
pub fn pg_backends_cpu_ms(database: &str) -> HashMap<u32, u64> {
    let needle = format!(" {database} ");
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd);
        if cmd.starts_with("postgres:") && cmd.contains(&needle) {
            if let Some(ms) = cpu_ms_of(pid) {
                out.insert(pid, ms);
            }
        }
    }
    out
}

/// CPU the backends used between two snapshots (backends new in `after` count whole).
pub fn cpu_delta_ms(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after
        .iter()
        .map(|(pid, ms)| ms.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum()
}

/// Reads one counter from Prometheus text.
pub fn counter(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(name)).then(|| parts.next())?
        })
        .and_then(|v| v.parse::<f64>().ok())
        .map(|v| v as u64)
}

/// How a started server tells it is ready.
enum Ready {
    /// `GET /healthz` answers 2xx (skillgraph).
    Healthz,
    /// `POST /graphql {__typename}` answers 2xx (PostGraphile).
    Typename,
}

impl Server {
    /// Starts `serve` on a free 127.0.0.1 port over `database_url` and waits for /healthz.
    pub async fn start(
        bin: &Binary,
        database_url: &str,
        db_max_connections: Option<u32>,
        serve_args: &[String],
        log: &Path,
    ) -> Result<Server> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()?));
        let mut cmd = bin.command(database_url);
        if let Some(n) = db_max_connections {
            cmd.arg("--db-max-connections").arg(n.to_string());
        }
        cmd.arg("serve")
            .arg("--bind")
            .arg(addr.to_string())
            .args(serve_args);
        Server::spawn(cmd, addr, log, Ready::Healthz, true).await
    }

    /// Starts PostGraphile 5 (installed in `dir` by `npm ci`, with the `graphile.config.mjs`
    /// there) over `database_url`'s `public` schema on a free 127.0.0.1 port, with the Node.js
    /// the package installs, in production mode; waits until it answers a query.
    pub async fn postgraphile(dir: &Path, database_url: &str, log: &Path) -> Result<Server> {
        // Absolute: the process starts in `dir`, where a relative path would mean another place.
        let dir = &std::path::absolute(dir)
            .with_context(|| format!("--postgraphile {}", dir.display()))?;
        let modules = dir.join("node_modules");
        let node = modules.join(".bin").join("node");
        let cli = modules.join("postgraphile/dist/cli-run.js");
        if !node.is_file() || !cli.is_file() {
            bail!(
                "PostGraphile is not installed in {}: run `npm ci --prefix {}` first",
                dir.display(),
                dir.display()
            );
        }
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()?));
        let mut cmd = Command::new(node);
        cmd.arg(cli)
            .arg("--connection")
            .arg(database_url)
            .arg("--schema")
            .arg("public")
            .arg("--host")
            .arg(addr.ip().to_string())
            .arg("--port")
            .arg(addr.port().to_string())
            .current_dir(dir)
            .env("NODE_ENV", "production");
        Server::spawn(cmd, addr, log, Ready::Typename, false).await
    }

    async fn spawn(
        mut cmd: Command,
        addr: SocketAddr,
        log: &Path,
        ready: Ready,
        metrics: bool,
    ) -> Result<Server> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("cannot open {}", log.display()))?;
        let err = out.try_clone()?;
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {:?}", cmd.as_std().get_program()))?;
        let pid = child.id().context("the server exited at once")?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()?;
        let mut server = Server {
            child,
            pid,
            base: format!("http://{addr}"),
            client,
            metrics,
        };
        server.wait_ready(log, ready).await?;
        Ok(server)
    }

    async fn wait_ready(&mut self, log: &Path, ready: Ready) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                bail!(
                    "the server exited ({status}) before it was ready; see {}",
                    log.display()
                );
            }
            let probe = match ready {
                Ready::Healthz => self.client.get(format!("{}/healthz", self.base)),
                Ready::Typename => self
                    .client
                    .post(format!("{}/graphql", self.base))
                    .header("content-type", "application/json")
                    .body(r#"{"query":"{ __typename }"}"#),
            };
            if let Ok(r) = probe.send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("the server was not ready after 60 s; see {}", log.display());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `skillgraph_sql_statements_total` and `skillgraph_graphql_requests_total` from /metrics;
    /// None for a server without them.
    pub async fn counters(&self) -> Result<Option<Counters>> {
        if !self.metrics {
            return Ok(None);
        }
        let text = self
            .client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .context("GET /metrics")?
            .text()
            .await
            .context("GET /metrics")?;
        Ok(Some(Counters {
            sql_statements: counter(&text, "skillgraph_sql_statements_total").unwrap_or(0),
            graphql_requests: counter(&text, "skillgraph_graphql_requests_total").unwrap_or(0),
        }))
    }

    /// VmRSS and VmHWM (the peak since start or since [`Server::reset_peak`]).
    pub fn memory(&self) -> Memory {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
        }
    }

    /// CPU time the server has used, user + system, all threads, in ms.
    pub fn cpu_ms(&self) -> u64 {
        cpu_ms_of(self.pid).unwrap_or(0)
    }

    /// Resets VmHWM to the current RSS so each scenario gets its own peak; false where the
    /// kernel does not allow it (the peak is then since start).
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok()
    }

    /// SIGTERM, then up to 10 s for a graceful exit, then SIGKILL.
    pub async fn stop(mut self) -> Result<()> {
        let pid = Pid::from_raw(i32::try_from(self.pid)?);
        if let Err(e) = signal::kill(pid, signal::Signal::SIGTERM) {
            eprintln!("cannot send SIGTERM to the server: {e}");
        }
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(r) => {
                r.context("waiting for the server")?;
                Ok(())
            }
            Err(_) => {
                self.child.kill().await.ok();
                bail!("the server did not stop within 10 s of SIGTERM: killed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_read_from_prometheus_text() {
        let text = "# HELP x\n# TYPE skillgraph_sql_statements_total counter\n\
                    skillgraph_sql_statements_total 1234\nskillgraph_graphql_requests_total 7\n";
        assert_eq!(counter(text, "skillgraph_sql_statements_total"), Some(1234));
        assert_eq!(counter(text, "skillgraph_graphql_requests_total"), Some(7));
        assert_eq!(counter(text, "skillgraph_sql"), None);
    }

    #[test]
    fn this_process_has_cpu_time_and_memory() {
        let me = std::process::id();
        // Burn a little CPU so the 10 ms clock ticks at least once.
        let started = Instant::now();
        let mut x = 0u64;
        while started.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        assert!(x != 1);
        assert!(cpu_ms_of(me).is_some_and(|ms| ms >= 10));
        assert!(cpu_ms_of(u32::MAX).is_none());
    }

    #[test]
    fn backend_cpu_deltas_count_new_backends_whole() {
        let before = HashMap::from([(1, 100), (2, 50)]);
        let after = HashMap::from([(1, 130), (2, 50), (3, 20)]);
        assert_eq!(cpu_delta_ms(&before, &after), 50);
    }
}
