//! Issue #10, point 8: property tests (proptest) over the HTTP body parser, the query budget
//! and each importer's row parser: whatever the input, no panic and no unbounded time.
use std::{
    path::Path,
    time::{Duration, Instant},
};

use axum::{body::Body, http::Request};
use proptest::{
    collection::vec,
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use skillgraph::{
    graphql::cost::{check_budget, BudgetLimits},
    import::{self, ImportOptions},
    market::ingest as postings_import,
};

use crate::helpers::{engines, Engine, TestApp};

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// GraphQL-looking text: names, punctuation, spreads, strings, variables.
fn graphql_text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("...F ".to_owned()),
            Just("fragment F on QueryRoot ".to_owned()),
            Just("query Q($a: Int) ".to_owned()),
            Just("mutation ".to_owned()),
            Just("info { version } ".to_owned()),
            Just("skills(first: 5) { nodes { slug } } ".to_owned()),
            Just("a: __schema { types { name } } ".to_owned()),
            Just("\"".to_owned()),
            Just("$a".to_owned()),
            "[a-z_(): ,!@#\\[\\]]{0,8}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

#[test]
fn http_body_parser_answers_every_body_with_a_coded_error_or_data() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for engine in engines() {
        let app = rt.block_on(TestApp::spawn(engine));
        let bodies = prop_oneof![
            vec(any::<u8>(), 0..300),
            graphql_text().prop_map(|q| serde_json::json!({ "query": q }).to_string().into_bytes()),
            (graphql_text(), any::<i64>(), "[a-zA-Z]{0,6}").prop_map(|(q, n, op)| {
                serde_json::json!({ "query": q, "variables": { "a": n }, "operationName": op, "extensions": n })
                    .to_string()
                    .into_bytes()
            }),
        ];
        runner(96)
            .run(&bodies, |body| {
                let started = Instant::now();
                let r = rt.block_on(
                    app.send(
                        Request::post("/graphql")
                            .header("content-type", "application/json")
                            .header("accept", "application/graphql-response+json")
                            .body(Body::from(body))
                            .expect("request"),
                    ),
                );
                prop_assert!(started.elapsed() < Duration::from_secs(5));
                prop_assert!(matches!(r.status, 200 | 400), "status {}", r.status);
                let v: serde_json::Value = serde_json::from_slice(&r.body)
                    .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
                if r.status == 400 {
                    prop_assert!(v.get("data").is_none());
                    prop_assert!(v["errors"][0]["extensions"]["code"].is_string(), "{}", v);
                } else {
                    prop_assert!(v.get("data").is_some(), "{}", v);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("[{engine:?}] {e}"));
        rt.block_on(app.cleanup());
    }
}

/// A document of `levels` fragment levels, each spreading the next one a number of times.
fn fragment_tree() -> impl Strategy<Value = String> {
    vec(1usize..25, 0..14).prop_map(|fanouts| {
        let n = fanouts.len();
        let mut q = String::from("query { ...F0 }\n");
        for (l, k) in fanouts.iter().enumerate() {
            q.push_str(&format!(
                "fragment F{l} on QueryRoot {{ x{l}: info {{ version }} "
            ));
            for _ in 0..*k {
                q.push_str(&format!("...F{} ", l + 1));
            }
            q.push_str("}\n");
        }
        q.push_str(&format!(
            "fragment F{n} on QueryRoot {{ info {{ version }} }}\n"
        ));
        q
    })
}

#[test]
fn the_budget_is_total_and_fast_on_any_document() {
    let limits = BudgetLimits::default();
    let docs = prop_oneof![fragment_tree(), graphql_text()];
    runner(512)
        .run(&docs, |text| {
            let started = Instant::now();
            if let Ok(doc) = async_graphql::parser::parse_query(&text) {
                let _ = check_budget(&doc, None, &async_graphql::Variables::default(), &limits);
                let _ = check_budget(
                    &doc,
                    Some("Q"),
                    &async_graphql::Variables::default(),
                    &limits,
                );
            }
            prop_assert!(
                started.elapsed() < Duration::from_millis(500),
                "{:?} for {} bytes",
                started.elapsed(),
                text.len()
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn postings_row_parser_never_panics() {
    let input = (
        vec(any::<u8>(), 0..400),
        prop_oneof![Just("csv"), Just("jsonl"), Just("json")],
    );
    runner(512)
        .run(&input, |(bytes, ext)| {
            // Also as a CSV/JSON Lines body after a valid header or record.
            let mut framed = match ext {
                "csv" => b"external_id,title,country,date_posted,required_skills\n".to_vec(),
                _ => b"{\"title\":\"x\"}\n".to_vec(),
            };
            framed.extend_from_slice(&bytes);
            for data in [&bytes[..], &framed[..]] {
                if let Ok(recs) = postings_import::records(std::io::Cursor::new(data.to_vec()), ext)
                {
                    let n = recs.count();
                    prop_assert!(n <= data.len() + 1);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

fn copy_dir(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// Replaces one line of one file of a fixture release with arbitrary bytes.
fn mutate(dir: &Path, file_pick: usize, line_pick: usize, junk: &[u8]) -> String {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv" || x == "txt"))
        .collect();
    files.sort();
    let path = &files[file_pick % files.len()];
    let data = std::fs::read(path).expect("read");
    let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    let i = line_pick % lines.len();
    lines[i] = junk;
    std::fs::write(path, lines.join(&b'\n')).expect("write");
    format!(
        "{} line {}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
        i + 1
    )
}

#[test]
fn esco_and_onet_row_parsers_never_panic() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let junk = prop_oneof![
        vec(any::<u8>(), 0..120),
        "[a-z0-9,\"\t ]{0,80}".prop_map(String::into_bytes),
    ];
    let input = (any::<bool>(), any::<usize>(), any::<usize>(), junk);
    // Each case imports into a fresh database: few cases, on SQLite (the parsers do not
    // depend on the engine; the engines' import paths are covered in import.rs).
    let engine = Engine::Sqlite;
    runner(12)
        .run(&input, |(is_esco, file_pick, line_pick, junk)| {
            let app = rt.block_on(TestApp::empty(engine));
            let src = if is_esco {
                fixtures.join("esco/v1.1.1")
            } else {
                fixtures.join("onet/29.3")
            };
            let dir = copy_dir(&src);
            let place = mutate(dir.path(), file_pick, line_pick, &junk);
            let started = Instant::now();
            let result = rt.block_on(async {
                if is_esco {
                    import::esco::import(
                        &app.db,
                        dir.path(),
                        &ImportOptions {
                            release: Some("1.1.1".into()),
                            progress: false,
                        },
                    )
                    .await
                } else {
                    import::onet::import(&app.db, dir.path(), &ImportOptions::default()).await
                }
            });
            prop_assert!(
                started.elapsed() < Duration::from_secs(20),
                "{place}: {:?}",
                started.elapsed()
            );
            // Either imported or refused with a message; never a panic.
            if let Err(e) = result {
                prop_assert!(!e.detail().is_empty(), "{place}");
            }
            rt.block_on(app.cleanup());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
