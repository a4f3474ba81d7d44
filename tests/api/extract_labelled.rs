//! Extraction measured on a hand-labelled set of realistic job-ad snippets
//! (`tests/fixtures/extraction/labelled.jsonl`: prose and bullet lists, software and other
//! industries, non-tech ads with ordinary words that are also technology names). Each snippet
//! lists the catalog skills and frameworks it names (`expect`, slugs), and `also` the slugs of
//! imported skills that are right too (a label an import adds). Precision and recall are over
//! distinct (snippet, slug) pairs, on the catalog alone and after the fixture imports.
use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::json;

use crate::{
    helpers::{engines, TestApp},
    paths_imported::imported,
};

#[derive(Deserialize)]
struct Snippet {
    id: u32,
    industry: String,
    text: String,
    expect: Vec<String>,
    #[serde(default)]
    also: Vec<String>,
}

fn snippets() -> Vec<Snippet> {
    include_str!("../fixtures/extraction/labelled.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("labelled snippet"))
        .collect()
}

struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        100.0 * self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        100.0 * self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

async fn measure(app: &TestApp, label: &str) -> Score {
    let mut score = Score {
        tp: 0,
        fp: 0,
        fn_: 0,
    };
    for s in snippets() {
        let d = app
            .data(
                "query($t: String!) { extractSkills(text: $t) { text node { slug } } }",
                json!({ "t": s.text }),
            )
            .await;
        let got: BTreeSet<String> = d["extractSkills"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["node"]["slug"].as_str().map(str::to_owned))
            .collect();
        let want: BTreeSet<String> = s.expect.iter().cloned().collect();
        let also: BTreeSet<String> = s.also.iter().cloned().collect();
        let tp = got.intersection(&want).count();
        let fp: Vec<&String> = got
            .iter()
            .filter(|g| !want.contains(*g) && !also.contains(*g))
            .collect();
        let missed: Vec<&String> = want.difference(&got).collect();
        if !fp.is_empty() || !missed.is_empty() {
            eprintln!(
                "[{:?} {label}] #{} ({}): false {fp:?}, missed {missed:?}",
                app.engine, s.id, s.industry
            );
        }
        score.tp += tp;
        score.fp += fp.len();
        score.fn_ += missed.len();
    }
    eprintln!(
        "[{:?} {label}] extraction on {} snippets: precision {:.1} % ({} of {}), recall {:.1} % ({} of {})",
        app.engine,
        snippets().len(),
        score.precision(),
        score.tp,
        score.tp + score.fp,
        score.recall(),
        score.tp,
        score.tp + score.fn_
    );
    score
}

#[tokio::test]
async fn the_labelled_set_is_large_and_varied() {
    let s = snippets();
    assert!(s.len() >= 60, "{} snippets", s.len());
    let industries: BTreeSet<&str> = s.iter().map(|x| x.industry.as_str()).collect();
    assert!(industries.len() >= 10, "{industries:?}");
    let lists = s.iter().filter(|x| x.text.contains('\n')).count();
    assert!(lists >= 8, "{lists} bullet lists");
    let negatives = s.iter().filter(|x| x.expect.is_empty()).count();
    assert!(negatives >= 10, "{negatives} non-tech ads");
}

#[tokio::test]
async fn extraction_precision_and_recall_on_the_labelled_set() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let s = measure(&app, "catalog").await;
        assert!(
            s.precision() >= 95.0,
            "[{engine:?}] precision {:.1}",
            s.precision()
        );
        assert!(s.recall() >= 90.0, "[{engine:?}] recall {:.1}", s.recall());
        app.cleanup().await;

        let app = imported(engine).await;
        let s = measure(&app, "imports").await;
        assert!(
            s.precision() >= 92.0,
            "[{engine:?}] precision {:.1}",
            s.precision()
        );
        assert!(s.recall() >= 90.0, "[{engine:?}] recall {:.1}", s.recall());
        app.cleanup().await;
    }
}
