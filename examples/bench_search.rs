//! Search at ESCO scale, in memory (run: `cargo run --release --example bench_search`).
//! Builds an index of ~14k skill names and ~100k aliases of generated words, then times queries
//! of each kind (exact, prefix, typo, alias, miss) and prints p50 / p99 per kind.
use std::time::Instant;

use skillgraph::search::{Index, Kind};

fn word(rng: &mut u64) -> String {
    const SYL: &[&str] = &[
        "ka", "ro", "mi", "tes", "lan", "dor", "pre", "ven", "ql", "sys", "net", "gra", "phi",
        "dev", "ops", "tor", "ment", "ing", "er", "an",
    ];
    let mut s = String::new();
    let n = 2 + (next(rng) % 3) as usize;
    for _ in 0..n {
        s.push_str(SYL[(next(rng) % SYL.len() as u64) as usize]);
    }
    s
}

fn next(state: &mut u64) -> u64 {
    // xorshift64*: deterministic, no dependency.
    let mut x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// How a benchmark query is made from a label.
type MakeQuery = Box<dyn Fn(&str) -> String>;

fn main() {
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut rows = Vec::new();
    let mut names = Vec::new();
    for id in 0..14_000i64 {
        let name = format!(
            "{} {} {}",
            word(&mut rng),
            word(&mut rng),
            if id % 3 == 0 {
                word(&mut rng)
            } else {
                String::new()
            }
        );
        names.push(name.trim().to_owned());
        rows.push((Kind::Skill, id, name.trim().to_owned(), false));
        for _ in 0..7 {
            rows.push((
                Kind::Skill,
                id,
                format!("{} {}", word(&mut rng), word(&mut rng)),
                true,
            ));
        }
    }
    for id in 0..3_000i64 {
        rows.push((
            Kind::Role,
            id,
            format!("{} {} developer", word(&mut rng), word(&mut rng)),
            false,
        ));
    }
    let labels = rows.len();
    let t = Instant::now();
    let idx = Index::build_for_bench(rows);
    println!("index: {labels} labels built in {:?}", t.elapsed());
    let all = [Kind::Skill, Kind::Framework, Kind::Role];
    let typo = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        if c.len() > 3 {
            c.swap(1, 2);
        }
        c.into_iter().collect::<String>()
    };
    let kinds: Vec<(&str, MakeQuery)> = vec![
        ("exact", Box::new(|s: &str| s.to_owned())),
        ("prefix", Box::new(|s: &str| s.chars().take(5).collect())),
        (
            "typo",
            Box::new(move |s: &str| typo(s.split(' ').next().unwrap_or(s))),
        ),
        ("miss", Box::new(|_: &str| "zzqxw vvbnm".to_owned())),
    ];
    for (kind, make) in kinds {
        let mut times = Vec::new();
        let mut found = 0;
        for i in 0..2_000 {
            let q = make(&names[(i * 7) % names.len()]);
            let t = Instant::now();
            let hits = idx.search(&q, &all, 10);
            times.push(t.elapsed());
            found += usize::from(!hits.is_empty());
        }
        times.sort();
        println!(
            "{kind:>6}: p50 {:>8.3} ms  p99 {:>8.3} ms  ({found}/2000 found something)",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() * 99 / 100].as_secs_f64() * 1e3
        );
    }
}
