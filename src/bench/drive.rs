//! The load generator: a fixed number of keep-alive connections, each sending one request after
//! another until the time or the request budget runs out; every answer is checked for errors.
use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use axum::body::Bytes;
use serde::{de::IgnoredAny, Deserialize};

use crate::bench::graph::Rng;

/// How long, and how hard, to drive one scenario.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub connections: usize,
    pub duration: Duration,
    /// Total requests over all connections; `None`: until `duration` is up.
    pub requests: Option<u64>,
    pub seed: u64,
}

/// What one run measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Latencies in microseconds, sorted.
    pub latencies_us: Vec<u32>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0..=1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let n = self.latencies_us.len();
        if n == 0 {
            return 0.0;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        self.latencies_us[rank] as f64 / 1000.0
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<IgnoredAny>,
    #[serde(default)]
    errors: Option<Vec<ErrorMessage>>,
}

#[derive(Deserialize)]
struct ErrorMessage {
    #[serde(default)]
    message: String,
}

/// Why an answer does not count as a success, if it does not.
pub fn check(status: reqwest::StatusCode, body: &[u8]) -> Result<(), String> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| {
        format!(
            "HTTP {status}, body is not GraphQL JSON ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )
    })?;
    if let Some(errors) = env.errors.filter(|e| !e.is_empty()) {
        let first = errors
            .first()
            .map(|e| e.message.as_str())
            .unwrap_or_default();
        return Err(format!("HTTP {status}, {} error(s): {first}", errors.len()));
    }
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    if env.data.is_none() {
        return Err(format!("HTTP {status}, no data"));
    }
    Ok(())
}

struct Worker {
    latencies_us: Vec<u32>,
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    bytes: u64,
}

async fn worker(
    client: reqwest::Client,
    url: Arc<str>,
    bodies: Arc<[Bytes]>,
    deadline: Instant,
    budget: Option<Arc<AtomicI64>>,
    mut rng: Rng,
) -> Worker {
    let mut w = Worker {
        latencies_us: Vec::with_capacity(4096),
        requests: 0,
        errors: 0,
        first_error: None,
        bytes: 0,
    };
    while Instant::now() < deadline {
        if let Some(b) = &budget {
            if b.fetch_sub(1, Ordering::Relaxed) <= 0 {
                break;
            }
        }
        let body = bodies[rng.below(bodies.len())].clone();
        let started = Instant::now();
        let sent = client
            .post(&*url)
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json")
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(resp) => {
                let status = resp.status();
                resp.bytes().await.map(|b| (status, b))
            }
            Err(e) => Err(e),
        };
        let took = started.elapsed();
        w.requests += 1;
        w.latencies_us
            .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
        let verdict = match answer {
            Ok((status, bytes)) => {
                w.bytes += bytes.len() as u64;
                check(status, &bytes)
            }
            Err(e) => {
                // The server is gone or refusing: do not spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
                Err(format!("transport: {e}"))
            }
        };
        if let Err(e) = verdict {
            w.errors += 1;
            w.first_error.get_or_insert(e);
        }
    }
    w
}

/// Drives `url` with `bodies` (one picked at random per request) under `load`.
pub async fn drive(client: &reqwest::Client, url: &str, bodies: &[Bytes], load: Load) -> Outcome {
    let bodies: Arc<[Bytes]> = bodies.into();
    let url: Arc<str> = url.into();
    let budget = load
        .requests
        .map(|n| Arc::new(AtomicI64::new(i64::try_from(n).unwrap_or(i64::MAX))));
    let started = Instant::now();
    let deadline = started + load.duration;
    let mut tasks = Vec::with_capacity(load.connections);
    for i in 0..load.connections {
        tasks.push(tokio::spawn(worker(
            client.clone(),
            url.clone(),
            bodies.clone(),
            deadline,
            budget.clone(),
            Rng::new(load.seed ^ (i as u64).wrapping_mul(0x9E37_79B9)),
        )));
    }
    let mut out = Outcome::default();
    for t in tasks {
        match t.await {
            Ok(w) => {
                out.requests += w.requests;
                out.errors += w.errors;
                out.bytes += w.bytes;
                out.latencies_us.extend(w.latencies_us);
                if out.first_error.is_none() {
                    out.first_error = w.first_error;
                }
            }
            Err(e) => {
                out.errors += 1;
                out.first_error
                    .get_or_insert_with(|| format!("a connection task failed: {e}"));
            }
        }
    }
    out.elapsed = started.elapsed();
    out.latencies_us.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_missing_data_fail_the_check() {
        let ok = reqwest::StatusCode::OK;
        assert!(check(ok, br#"{"data":{"roles":null}}"#).is_ok());
        assert!(check(ok, br#"{"data":null,"errors":[{"message":"boom"}]}"#)
            .is_err_and(|e| e.contains("boom")));
        assert!(check(ok, br#"{"data":{"a":1},"errors":[{"message":"partial"}]}"#).is_err());
        assert!(check(ok, br#"{"data":null}"#).is_err());
        assert!(check(reqwest::StatusCode::BAD_REQUEST, br#"{"errors":[]}"#).is_err());
        assert!(check(ok, b"<html>").is_err());
    }

    #[test]
    fn quantiles_pick_the_nearest_rank() {
        let o = Outcome {
            latencies_us: (1..=100).map(|i| i * 1000).collect(),
            ..Default::default()
        };
        assert_eq!(o.quantile_ms(0.5), 50.0);
        assert_eq!(o.quantile_ms(0.99), 99.0);
        assert_eq!(o.quantile_ms(1.0), 100.0);
    }
}
