//! What the bench prints: one Markdown table with a row per scenario and engine (ready for
//! README), a line per engine, the first error of each failing scenario; the same as JSON.
use std::fmt::Write as _;

use serde::Serialize;

/// One scenario on one engine.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    pub scenario: &'static str,
    pub label: &'static str,
    pub engine: &'static str,
    /// Why it was skipped, or the first error.
    pub note: Option<String>,
    pub skipped: bool,
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Statements the server counted (`/metrics`) per GraphQL request.
    pub sql_per_request: Option<f64>,
    /// CPU the server process used per request.
    pub server_cpu_ms_per_request: f64,
    /// CPU the PostgreSQL backends serving the bench database used per request.
    pub db_cpu_ms_per_request: Option<f64>,
    /// CPU the bench itself (the load generator, its HTTP client and the checks of the
    /// answers) used per request: on a machine it shares with the server, what the server
    /// could not have.
    pub client_cpu_ms_per_request: f64,
    /// The server's peak RSS during this scenario (VmHWM, reset before it).
    pub peak_rss_mib: f64,
    pub kib_per_response: f64,
    pub objects_per_response: usize,
}

/// One engine's run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EngineReport {
    pub engine: &'static str,
    /// Wall time of each set-up step (start-up and migrations included), seconds.
    pub import_seconds: Vec<(&'static str, f64)>,
    pub idle_rss_mib: f64,
    pub peak_rss_mib: f64,
    /// The server's RSS `settle_seconds` after the last scenario's load stopped.
    pub rss_after_mib: Option<f64>,
    pub settle_seconds: f64,
    pub load_average_before: String,
    pub load_average_after: String,
    pub rows: Vec<Row>,
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.digits$}"))
}

/// The results as a Markdown table.
pub fn table(reports: &[EngineReport]) -> String {
    let mut s = String::from(
        "| scenario | engine | req/s | p50 ms | p99 ms | errors | server CPU ms/req | PG backends CPU ms/req | bench CPU ms/req | SQL/req | peak RSS MiB | KiB/resp |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for r in reports.iter().flat_map(|e| &e.rows) {
        if r.skipped {
            let _ = writeln!(
                s,
                "| {} | {} | skipped | | | | | | | | | |",
                r.label, r.engine
            );
            continue;
        }
        let _ = writeln!(
            s,
            "| {} | {} | {:.1} | {:.2} | {:.2} | {}/{} | {:.2} | {} | {:.2} | {} | {:.1} | {:.1} |",
            r.label,
            r.engine,
            r.req_per_s,
            r.p50_ms,
            r.p99_ms,
            r.errors,
            r.requests,
            r.server_cpu_ms_per_request,
            opt(r.db_cpu_ms_per_request, 2),
            r.client_cpu_ms_per_request,
            opt(r.sql_per_request, 2),
            r.peak_rss_mib,
            r.kib_per_response,
        );
    }
    s
}

/// A line per engine, and the first error of every scenario that had some.
pub fn notes(reports: &[EngineReport]) -> String {
    let mut s = String::new();
    for e in reports {
        let _ = writeln!(
            s,
            "- {}: {}; server idle RSS {:.1} MiB, peak {:.1} MiB{}; load average {} → {}",
            e.engine,
            if e.import_seconds.is_empty() {
                "no import".to_owned()
            } else {
                e.import_seconds
                    .iter()
                    .map(|(step, s)| format!("{step} {s:.1} s"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            e.idle_rss_mib,
            e.peak_rss_mib,
            e.rss_after_mib.map_or_else(String::new, |m| format!(
                ", {m:.1} MiB {:.0} s after the load",
                e.settle_seconds
            )),
            e.load_average_before,
            e.load_average_after
        );
    }
    for r in reports.iter().flat_map(|e| &e.rows) {
        if let Some(n) = &r.note {
            let _ = writeln!(s, "- {} on {}: {}", r.label, r.engine, n);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_scenario_and_engine_and_notes_errors() {
        let ok = Row {
            scenario: "q2",
            label: "Q2",
            engine: "SQLite",
            requests: 1000,
            req_per_s: 1234.56,
            sql_per_request: Some(2.0),
            client_cpu_ms_per_request: 0.25,
            ..Default::default()
        };
        let failing = Row {
            scenario: "learning-path",
            label: "LP",
            engine: "SQLite",
            requests: 10,
            errors: 10,
            note: Some("INTERNAL".into()),
            ..Default::default()
        };
        let skipped = Row {
            label: "RS",
            engine: "SQLite",
            skipped: true,
            ..Default::default()
        };
        let e = EngineReport {
            engine: "SQLite",
            rows: vec![ok, failing, skipped],
            peak_rss_mib: 120.0,
            rss_after_mib: Some(41.3),
            settle_seconds: 10.0,
            ..Default::default()
        };
        let t = table(std::slice::from_ref(&e));
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        assert!(
            lines[2].contains("1234.6") && lines[2].contains("| 0.25 | 2.00 |"),
            "{t}"
        );
        assert!(lines[3].contains("| 10/10 |"), "{t}");
        assert!(lines[4].contains("skipped"), "{t}");
        let n = notes(&[e]);
        assert!(n.contains("LP on SQLite: INTERNAL"), "{n}");
        assert!(
            n.contains("SQLite: no import; server idle")
                && n.contains("peak 120.0 MiB, 41.3 MiB 10 s after the load;"),
            "{n}"
        );
    }
}
