//! Skill extraction from job-ad text with an ESCO-sized label set (140,000 labels):
//! `cargo bench -p skillgraph-bench --bench extract`.
use std::sync::LazyLock;

use divan::{black_box, counter::BytesCount, Bencher};
use skillgraph::market::extract::{Extractor, Kind};

mod common;

const LABELS: usize = 140_000;
/// Names that need care: punctuation, one letter, a short word that is also English.
const TRICKY: &[&str] = &[
    "C++",
    "C#",
    ".NET",
    "Node.js",
    "Go",
    "golang",
    "R",
    "Java",
    "Python",
    "PostgreSQL",
    "Spring Boot",
    "ROR",
];

struct Fixture {
    labels: Vec<(Kind, i64, String)>,
    extractor: Extractor,
    /// About 1 MiB of job-ad-like text: filler words, labels, tricky names.
    text: String,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let mut rng = common::rng();
    let mut labels: Vec<(Kind, i64, String)> = (0..LABELS)
        .map(|i| (Kind::Skill, i as i64, common::label(&mut rng, 3)))
        .collect();
    for (i, t) in TRICKY.iter().enumerate() {
        labels.push((Kind::Skill, (LABELS + i) as i64, (*t).to_owned()));
    }
    let extractor = match Extractor::build(1, labels.clone(), Some(1)) {
        Ok(e) => e,
        Err(e) => panic!("the extractor does not build: {e:?}"),
    };
    let filler = [
        "we",
        "are",
        "looking",
        "for",
        "an",
        "engineer",
        "with",
        "experience",
        "in",
        "and",
        "or",
        "to",
        "go",
        "build",
        "services",
        "team",
        "remote",
        "the",
        "of",
        "spring",
    ];
    let mut text = String::with_capacity(1 << 20);
    while text.len() < 1 << 20 {
        for _ in 0..12 {
            text.push_str(filler[rng.usize(..filler.len())]);
            text.push(' ');
        }
        text.push_str(&labels[rng.usize(..labels.len())].2);
        text.push_str(", C++ and Go. ");
    }
    Fixture {
        labels,
        extractor,
        text,
    }
});

fn main() {
    divan::main();
}

/// Mentions in 64 KiB chunks of text, as the postings importer feeds them.
#[divan::bench]
fn extract_64k_chunks(bencher: Bencher) {
    let f = &*FIXTURE;
    assert!(!f.extractor.extract(&f.text).is_empty());
    bencher.counter(BytesCount::of_str(&f.text)).bench(|| {
        let mut found = 0;
        let mut start = 0;
        while start < f.text.len() {
            let mut end = (start + 64 * 1024).min(f.text.len());
            while !f.text.is_char_boundary(end) {
                end += 1;
            }
            found += f.extractor.extract(black_box(&f.text[start..end])).len();
            start = end;
        }
        found
    });
}

/// Building the automaton over every label.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn build_automaton(bencher: Bencher) {
    let labels = &FIXTURE.labels;
    bencher
        .with_inputs(|| labels.clone())
        .bench_values(|l| Extractor::build(1, l, Some(1)).map(|e| e.len()).ok());
}
