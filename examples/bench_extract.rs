//! Throughput of skill extraction with a large label set (not a test):
//! `cargo run --release --example bench_extract` prints MB/s.
use std::time::Instant;

use skillgraph::market::extract::{Extractor, Kind};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "ta", "vo", "xi", "ze", "qua", "bri", "dor", "fen", "gul", "hap",
    "jin", "kor", "lux", "mor", "nix",
];

fn word(rng: &mut Rng) -> String {
    (0..2 + rng.below(3))
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

fn main() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let n_labels = 140_000;
    let mut labels: Vec<(Kind, i64, String)> = Vec::with_capacity(n_labels + 16);
    for i in 0..n_labels {
        let words = 1 + rng.below(3);
        let text: Vec<String> = (0..words).map(|_| word(&mut rng)).collect();
        labels.push((Kind::Skill, i as i64, text.join(" ")));
    }
    for (i, t) in [
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
    ]
    .iter()
    .enumerate()
    {
        labels.push((Kind::Skill, (n_labels + i) as i64, (*t).to_owned()));
    }
    let t0 = Instant::now();
    let ex = match Extractor::build(1, labels.clone(), Some(1)) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("build failed: {}", e.detail());
            std::process::exit(1);
        }
    };
    let build = t0.elapsed();

    // ~20 MB of job-ad-like text: filler words, some labels, tricky names.
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
    let mut text = String::with_capacity(21 << 20);
    while text.len() < 20 << 20 {
        for _ in 0..12 {
            text.push_str(filler[rng.below(filler.len())]);
            text.push(' ');
        }
        let l = &labels[rng.below(labels.len())].2;
        text.push_str(l);
        text.push_str(", C++ and Go. ");
    }
    let mb = text.len() as f64 / (1024.0 * 1024.0);
    let t1 = Instant::now();
    let mut found = 0usize;
    let chunk = 64 * 1024;
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + chunk).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        found += ex.extract(&text[start..end]).len();
        start = end;
    }
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "labels: {} patterns ({} rows), automaton built in {:.2}s",
        ex.len(),
        labels.len(),
        build.as_secs_f64()
    );
    println!(
        "text: {mb:.1} MB, {found} mentions, {secs:.2}s => {:.1} MB/s",
        mb / secs
    );
}
