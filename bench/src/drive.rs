//! The load generator: a fixed number of keep-alive connections, each sending one request after
//! another until the time is up; every answer is checked for GraphQL errors. Latencies go into
//! one HDR histogram per connection, merged at the end.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use serde::{de::IgnoredAny, Deserialize};

/// How long and how hard to drive one scenario.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub connections: usize,
    pub duration: Duration,
    pub seed: u64,
}

/// What one run measured.
pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Latencies in microseconds.
    pub latency_us: Histogram<u64>,
}

/// Latencies from 1 µs to 10 min, 3 significant digits.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("constant, valid bounds")
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0..=1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latency_us.is_empty() {
            return 0.0;
        }
        self.latency_us.value_at_quantile(q) as f64 / 1000.0
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
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
    #[serde(default)]
    code: Option<String>,
}

/// Why an answer does not count as a success, if it does not.
pub fn check(status: u16, body: &[u8]) -> Result<(), String> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| {
        format!(
            "HTTP {status}, body is not GraphQL JSON ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )
    })?;
    if let Some(first) = env.errors.as_ref().and_then(|e| e.first()) {
        let code = first
            .extensions
            .as_ref()
            .and_then(|x| x.code.as_deref())
            .unwrap_or("-");
        return Err(format!(
            "HTTP {status}, {} error(s), first {code}: {}",
            env.errors.as_ref().map_or(0, Vec::len),
            first.message
        ));
    }
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    if env.data.is_none() {
        return Err(format!("HTTP {status}, no data"));
    }
    Ok(())
}

struct Worker {
    latency_us: Histogram<u64>,
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    bytes: u64,
}

async fn worker(
    client: reqwest::Client,
    url: Arc<str>,
    bodies: Arc<[String]>,
    deadline: Instant,
    mut rng: fastrand::Rng,
) -> Worker {
    let mut w = Worker {
        latency_us: histogram(),
        requests: 0,
        errors: 0,
        first_error: None,
        bytes: 0,
    };
    while Instant::now() < deadline {
        let body = bodies[rng.usize(..bodies.len())].clone();
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
                let status = resp.status().as_u16();
                resp.bytes().await.map(|b| (status, b))
            }
            Err(e) => Err(e),
        };
        let took = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        w.requests += 1;
        w.latency_us.saturating_record(took.max(1));
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
pub async fn drive(client: &reqwest::Client, url: &str, bodies: &[String], load: Load) -> Outcome {
    let bodies: Arc<[String]> = bodies.into();
    let url: Arc<str> = url.into();
    let started = Instant::now();
    let deadline = started + load.duration;
    let mut seeds = fastrand::Rng::with_seed(load.seed);
    let tasks: Vec<_> = (0..load.connections)
        .map(|_| {
            tokio::spawn(worker(
                client.clone(),
                url.clone(),
                bodies.clone(),
                deadline,
                fastrand::Rng::with_seed(seeds.u64(..)),
            ))
        })
        .collect();
    let mut out = Outcome {
        requests: 0,
        errors: 0,
        first_error: None,
        bytes: 0,
        elapsed: Duration::ZERO,
        latency_us: histogram(),
    };
    for t in tasks {
        match t.await {
            Ok(w) => {
                out.requests += w.requests;
                out.errors += w.errors;
                out.bytes += w.bytes;
                // Same bounds on both sides: adding cannot fail.
                out.latency_us.add(&w.latency_us).ok();
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_missing_data_fail_the_check() {
        assert!(check(200, br#"{"data":{"roles":null}}"#).is_ok());
        let e = check(
            200,
            br#"{"data":null,"errors":[{"message":"boom","extensions":{"code":"INTERNAL"}}]}"#,
        );
        assert!(e.is_err_and(|e| e.contains("boom") && e.contains("INTERNAL")));
        assert!(check(200, br#"{"data":{"a":1},"errors":[{"message":"partial"}]}"#).is_err());
        assert!(check(200, br#"{"data":null}"#).is_err());
        assert!(check(400, br#"{"errors":[]}"#).is_err());
        assert!(check(200, b"<html>").is_err());
    }

    #[test]
    fn quantiles_come_from_the_histogram() {
        let mut h = histogram();
        for i in 1..=100u64 {
            h.record(i * 1000).ok();
        }
        let o = Outcome {
            requests: 100,
            errors: 0,
            first_error: None,
            bytes: 0,
            elapsed: Duration::from_secs(2),
            latency_us: h,
        };
        assert!(
            (o.quantile_ms(0.5) - 50.0).abs() < 0.1,
            "{}",
            o.quantile_ms(0.5)
        );
        assert!(
            (o.quantile_ms(0.99) - 99.0).abs() < 0.1,
            "{}",
            o.quantile_ms(0.99)
        );
        assert_eq!(o.per_second(), 50.0);
    }
}
