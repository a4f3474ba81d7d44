//! What the bench prints: one table with the engines side by side, the ratios against the peer
//! figures of the product brief, and the same numbers as JSON for comparing runs.
use serde::Serialize;

use crate::bench::scenarios;

/// PostGraphile 5 over ESCO, from the product brief, and our aims against it.
pub const PEER_NESTED_RPS: f64 = 50.0;
pub const PEER_NESTED_P99_MS: f64 = 1000.0;
pub const PEER_LIST_RPS: f64 = 2400.0;
pub const PEER_RSS_MIB: f64 = 450.0;
pub const AIM_NESTED_FACTOR: f64 = 4.0;
pub const AIM_LIST_FACTOR: f64 = 2.0;
pub const AIM_RSS_MIB: f64 = 100.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
    Skipped,
}

/// One scenario on one engine.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub scenario: &'static str,
    pub label: &'static str,
    pub status: Status,
    /// Why it was skipped, or the first error.
    pub note: Option<String>,
    pub query: Option<String>,
    pub requests: u64,
    pub seconds: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub sql_per_request: Option<f64>,
    /// CPU the server process used per request (the database's own processes not included).
    pub server_cpu_ms_per_request: Option<f64>,
    /// CPU the PostgreSQL backends serving the bench database used per request.
    pub db_cpu_ms_per_request: Option<f64>,
    pub errors: u64,
    pub peak_rss_mib: f64,
    pub nodes_per_response: usize,
    pub kib_per_response: f64,
}

impl Row {
    pub fn skipped(scenario: &'static str, reason: String) -> Self {
        Row {
            scenario,
            label: scenarios::label(scenario),
            status: Status::Skipped,
            note: Some(reason),
            query: None,
            requests: 0,
            seconds: 0.0,
            req_per_s: 0.0,
            p50_ms: 0.0,
            p99_ms: 0.0,
            max_ms: 0.0,
            sql_per_request: None,
            server_cpu_ms_per_request: None,
            db_cpu_ms_per_request: None,
            errors: 0,
            peak_rss_mib: 0.0,
            nodes_per_response: 0,
            kib_per_response: 0.0,
        }
    }
}

/// Everything measured on one engine.
#[derive(Clone, Debug, Serialize)]
pub struct EngineReport {
    pub engine: &'static str,
    pub rows_loaded: usize,
    pub load_seconds: f64,
    pub idle_rss_mib: f64,
    /// /proc/loadavg when the engine's scenarios started and ended: other work on the machine.
    pub load_average: [String; 2],
    /// The largest resident set the server ever had: start-up and every scenario.
    pub peak_rss_mib: f64,
    pub scenarios: Vec<Row>,
}

impl EngineReport {
    fn row(&self, key: &str) -> Option<&Row> {
        self.scenarios.iter().find(|r| r.scenario == key)
    }
}

fn render(table: &[Vec<String>]) -> String {
    let cols = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            table
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in table.iter().enumerate() {
        out.push('|');
        for (c, w) in widths.iter().enumerate() {
            let cell = row.get(c).map(String::as_str).unwrap_or("");
            let pad = w - cell.chars().count();
            if c == 0 {
                out.push_str(&format!(" {cell}{} |", " ".repeat(pad)));
            } else {
                out.push_str(&format!(" {}{cell} |", " ".repeat(pad)));
            }
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            for (c, w) in widths.iter().enumerate() {
                let dashes = "-".repeat(if c == 0 { *w } else { w.saturating_sub(1) });
                if c == 0 {
                    out.push_str(&format!(" {dashes} |"));
                } else {
                    out.push_str(&format!(" {dashes}: |"));
                }
            }
            out.push('\n');
        }
    }
    out
}

/// "server" CPU ms per request, or "server+database" where the database is a separate process.
pub fn cpu_cell(r: &Row) -> String {
    match (r.server_cpu_ms_per_request, r.db_cpu_ms_per_request) {
        (Some(s), Some(d)) => format!("{}+{}", num(s), num(d)),
        (Some(s), None) => num(s),
        _ => "?".into(),
    }
}

fn num(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The main table: one line per scenario, the engines side by side.
pub fn table(engines: &[EngineReport]) -> String {
    let mut header = vec!["scenario".to_owned()];
    for e in engines {
        for h in [
            "req/s",
            "p50 ms",
            "p99 ms",
            "SQL/req",
            "CPU ms/req",
            "errors",
            "RSS MiB",
        ] {
            header.push(if h == "req/s" {
                format!("{} req/s", e.engine)
            } else {
                h.to_owned()
            });
        }
    }
    let mut t = vec![header];
    for (key, label) in scenarios::ALL {
        if engines.iter().all(|e| e.row(key).is_none()) {
            continue;
        }
        let mut line = vec![(*label).to_owned()];
        for e in engines {
            match e.row(key) {
                None => line.extend(std::iter::repeat_n("-".to_owned(), 7)),
                Some(r) if r.status == Status::Skipped => {
                    line.push("skipped".into());
                    line.extend(std::iter::repeat_n("-".to_owned(), 6));
                }
                Some(r) => {
                    line.push(num(r.req_per_s));
                    line.push(num(r.p50_ms));
                    line.push(num(r.p99_ms));
                    line.push(r.sql_per_request.map(num).unwrap_or_else(|| "?".into()));
                    line.push(cpu_cell(r));
                    line.push(if r.status == Status::Fail {
                        format!("{} FAIL", r.errors)
                    } else {
                        r.errors.to_string()
                    });
                    line.push(format!("{:.1}", r.peak_rss_mib));
                }
            }
        }
        t.push(line);
    }
    render(&t)
}

/// What each scenario asks and answers, and why any was skipped or failed.
pub fn notes(engines: &[EngineReport]) -> String {
    let mut out = String::from(
        "- CPU ms/req: CPU time of the server process per request; for PostgreSQL, + that of \
         its backends serving the bench database. Unlike req/s it hardly depends on what else \
         the machine is running.\n",
    );
    for e in engines {
        for r in &e.scenarios {
            match r.status {
                Status::Ok => {}
                Status::Skipped => out.push_str(&format!(
                    "- {} skipped on {}: {}\n",
                    r.label,
                    e.engine,
                    r.note.as_deref().unwrap_or("")
                )),
                Status::Fail => out.push_str(&format!(
                    "- {} FAILED on {}: {} errors in {} requests; first: {}\n",
                    r.label,
                    e.engine,
                    r.errors,
                    r.requests,
                    r.note.as_deref().unwrap_or("")
                )),
            }
        }
    }
    if let Some(e) = engines.first() {
        for r in e.scenarios.iter().filter(|r| r.status != Status::Skipped) {
            out.push_str(&format!(
                "- {}: {} nodes and {:.1} KiB per answer; {} requests in {:.1} s; max {} ms\n",
                r.label,
                r.nodes_per_response,
                r.kib_per_response,
                r.requests,
                r.seconds,
                num(r.max_ms)
            ));
        }
    }
    out
}

fn ratio(ours: f64, peer: f64) -> String {
    format!("{:.2}×", ours / peer)
}

/// Our figures against PostGraphile 5's and against our aims.
pub fn peers(engines: &[EngineReport]) -> String {
    let mut header = vec![
        "measure".to_owned(),
        "PostGraphile 5".to_owned(),
        "our aim".to_owned(),
    ];
    header.extend(engines.iter().map(|e| e.engine.to_owned()));
    let mut t = vec![header];
    let verdict = |ok: bool| if ok { "meets aim" } else { "misses aim" };
    let mut line =
        |measure: &str, peer: String, aim: String, cell: &dyn Fn(&EngineReport) -> String| {
            let mut l = vec![measure.to_owned(), peer, aim];
            l.extend(engines.iter().map(cell));
            t.push(l);
        };
    let ok_row = |e: &EngineReport, key: &str| -> Option<Row> {
        e.row(key).filter(|r| r.status != Status::Skipped).cloned()
    };
    let nested_aim = PEER_NESTED_RPS * AIM_NESTED_FACTOR;
    line(
        "(b) nested 50×20×5: req/s",
        format!("{PEER_NESTED_RPS:.0}"),
        format!("≥ {nested_aim:.0} (4×)"),
        &|e| match ok_row(e, "nested") {
            Some(r) => format!(
                "{} = {} peer, {}",
                num(r.req_per_s),
                ratio(r.req_per_s, PEER_NESTED_RPS),
                verdict(r.req_per_s >= nested_aim && r.status == Status::Ok)
            ),
            None => "not run".into(),
        },
    );
    line(
        "(b) nested 50×20×5: p99",
        format!("~{PEER_NESTED_P99_MS:.0} ms"),
        "-".into(),
        &|e| match ok_row(e, "nested") {
            Some(r) => format!(
                "{} ms = {} peer",
                num(r.p99_ms),
                ratio(r.p99_ms, PEER_NESTED_P99_MS)
            ),
            None => "not run".into(),
        },
    );
    let list_aim = PEER_LIST_RPS * AIM_LIST_FACTOR;
    line(
        "(a) list of 20: req/s",
        format!("{PEER_LIST_RPS:.0}"),
        format!("≥ {list_aim:.0} (2×)"),
        &|e| match ok_row(e, "list") {
            Some(r) => format!(
                "{} = {} peer, {}",
                num(r.req_per_s),
                ratio(r.req_per_s, PEER_LIST_RPS),
                verdict(r.req_per_s >= list_aim && r.status == Status::Ok)
            ),
            None => "not run".into(),
        },
    );
    line(
        "server peak RSS (whole run)",
        format!("~{PEER_RSS_MIB:.0} MiB"),
        format!("< {AIM_RSS_MIB:.0} MiB"),
        &|e| {
            format!(
                "{:.1} MiB = {} peer, {}",
                e.peak_rss_mib,
                ratio(e.peak_rss_mib, PEER_RSS_MIB),
                verdict(e.peak_rss_mib < AIM_RSS_MIB)
            )
        },
    );
    render(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_mark_skips() {
        let mut ok = Row::skipped("list", String::new());
        ok.status = Status::Ok;
        ok.req_per_s = 1234.5;
        ok.sql_per_request = Some(1.0);
        let e = EngineReport {
            engine: "SQLite",
            rows_loaded: 1,
            load_seconds: 1.0,
            idle_rss_mib: 10.0,
            load_average: Default::default(),
            peak_rss_mib: 20.0,
            scenarios: vec![ok, Row::skipped("search", "no field".into())],
        };
        let t = table(std::slice::from_ref(&e));
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count()),
            "{t}"
        );
        assert!(t.contains("1234") && t.contains("skipped"), "{t}");
        assert!(notes(&[e]).contains("no field"));
    }
}
