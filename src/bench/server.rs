//! The server under test: the real `skillgraph serve` as a child process on a free loopback
//! port, its `/metrics` counters, its memory from /proc, and a clean SIGTERM stop.
use std::{
    collections::HashMap,
    net::{Ipv4Addr, SocketAddr, TcpListener},
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use nix::{sys::signal, unistd::Pid};
use tokio::process::{Child, Command};

use crate::error::{AppError, AppResult};

pub struct Server {
    child: Child,
    pid: u32,
    pub base: String,
    client: reqwest::Client,
}

/// The counters the bench reads before and after a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    pub sql_statements: u64,
    pub graphql_requests: u64,
}

/// Resident memory of the server, KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

fn free_port() -> AppResult<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| AppError::Internal(format!("no free port: {e}")))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| AppError::Internal(format!("no free port: {e}")))
}

/// CPU time a process has used, user + system, all threads, in ms (10 ms resolution).
fn cpu_ms_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised name: state is the first, utime the 12th, stime the 13th.
    let (_, rest) = stat.rsplit_once(')')?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux ABI.
    Some(ticks * 10)
}

/// CPU time (ms) used so far by each PostgreSQL backend serving `database` on this machine,
/// by pid: their process titles read "postgres: … USER DATABASE HOST(PORT) STATE".
pub fn pg_backends_cpu_ms(database: &str) -> HashMap<u32, u64> {
    let needle = format!(" {database} ");
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
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

/// CPU the backends used between two [`pg_backends_cpu_ms`] snapshots (new backends whole).
pub fn cpu_delta_ms(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after
        .iter()
        .map(|(pid, ms)| ms.saturating_sub(before.get(pid).copied().unwrap_or(0)))
        .sum()
}

impl Server {
    /// Starts `exe serve` on a free 127.0.0.1 port over `database_url` and waits for /healthz.
    pub async fn start(
        exe: &Path,
        database_url: &str,
        db_max_connections: Option<u32>,
        log: &Path,
    ) -> AppResult<Server> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()?));
        let out = std::fs::File::create(log)
            .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(|e| AppError::Internal(format!("cannot open the server log: {e}")))?;
        let mut cmd = Command::new(exe);
        // Only our flags configure it: no SKILLGRAPH_* from the caller's environment.
        for (k, _) in std::env::vars() {
            if k.starts_with("SKILLGRAPH_") {
                cmd.env_remove(k);
            }
        }
        cmd.arg("serve")
            .arg("--bind")
            .arg(addr.to_string())
            .arg("--database-url")
            .arg(database_url);
        if let Some(n) = db_max_connections {
            cmd.arg("--db-max-connections").arg(n.to_string());
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| AppError::Internal(format!("cannot start {}: {e}", exe.display())))?;
        let pid = child
            .id()
            .ok_or_else(|| AppError::Internal("the server exited at once".into()))?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::Internal(format!("http client: {e}")))?;
        let mut server = Server {
            child,
            pid,
            base: format!("http://{addr}"),
            client,
        };
        server.wait_healthy(log).await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self, log: &Path) -> AppResult<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/healthz", self.base);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(AppError::Internal(format!(
                    "the server exited ({status}) before it was healthy; see {}",
                    log.display()
                )));
            }
            if let Ok(r) = self.client.get(&url).send().await {
                if r.status().is_success() {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(AppError::Internal(format!(
                    "the server was not healthy after 60 s; see {}",
                    log.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `skillgraph_sql_statements_total` and `skillgraph_graphql_requests_total` from /metrics.
    pub async fn counters(&self) -> AppResult<Counters> {
        let text = self
            .client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| AppError::Internal(format!("GET /metrics: {e}")))?
            .text()
            .await
            .map_err(|e| AppError::Internal(format!("GET /metrics: {e}")))?;
        let mut c = Counters::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split_whitespace();
            let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            let value = value.parse::<f64>().unwrap_or(0.0) as u64;
            match name {
                "skillgraph_sql_statements_total" => c.sql_statements = value,
                "skillgraph_graphql_requests_total" => c.graphql_requests = value,
                _ => {}
            }
        }
        Ok(c)
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

    /// Resets VmHWM to the current RSS, so each scenario gets its own peak; false where the
    /// kernel does not allow it (the peak is then since start).
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok()
    }

    /// SIGTERM, then up to 10 s for a graceful exit, then SIGKILL.
    pub async fn stop(mut self) -> AppResult<()> {
        let pid = Pid::from_raw(self.pid as i32);
        if let Err(e) = signal::kill(pid, signal::Signal::SIGTERM) {
            tracing::warn!(error = %e, "cannot send SIGTERM to the server");
        }
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(AppError::Internal(format!("waiting for the server: {e}"))),
            Err(_) => {
                self.child.kill().await.ok();
                Err(AppError::Internal(
                    "the server did not stop within 10 s of SIGTERM: killed".into(),
                ))
            }
        }
    }
}
