//! In-memory search at ESCO scale (14,000 skills with 7 aliases each, 3,000 roles):
//! `cargo bench -p skillgraph-bench --bench search`.
use std::sync::LazyLock;

use divan::{black_box, Bencher};
use skillgraph::search::{Index, Kind};

mod common;

struct Fixture {
    index: Index,
    names: Vec<String>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let mut rng = common::rng();
    let mut rows = Vec::new();
    let mut names = Vec::new();
    for id in 0..14_000i64 {
        let name = common::label(&mut rng, 3);
        names.push(name.clone());
        rows.push((Kind::Skill, id, name, false));
        for _ in 0..7 {
            rows.push((Kind::Skill, id, common::label(&mut rng, 2), true));
        }
    }
    for id in 0..3_000i64 {
        let name = format!("{} developer", common::label(&mut rng, 2));
        rows.push((Kind::Role, id, name, false));
    }
    Fixture {
        index: Index::build_for_bench(rows),
        names,
    }
});

const ALL: [Kind; 3] = [Kind::Skill, Kind::Framework, Kind::Role];

/// The query of each kind made from a skill name.
fn make(kind: &str, name: &str) -> String {
    match kind {
        "exact" => name.to_owned(),
        "prefix" => name.chars().take(5).collect(),
        "typo" => {
            let mut c: Vec<char> = name.split(' ').next().unwrap_or(name).chars().collect();
            if c.len() > 3 {
                c.swap(1, 2);
            }
            c.into_iter().collect()
        }
        _ => "zzqxw vvbnm".to_owned(),
    }
}

fn main() {
    divan::main();
}

#[divan::bench(args = ["exact", "prefix", "typo", "miss"])]
fn search(bencher: Bencher, kind: &str) {
    let f = &*FIXTURE;
    let hits = f.index.search(&make(kind, &f.names[0]), &ALL, 10);
    // The fixture is sound: an exact name is found, gibberish is not.
    if kind == "exact" || kind == "miss" {
        assert_eq!(hits.is_empty(), kind == "miss", "{kind}");
    }
    // Inputs rotate over the names; divan may call the generator from several threads.
    let next = std::sync::atomic::AtomicUsize::new(0);
    bencher
        .with_inputs(|| {
            let i = next.fetch_add(7, std::sync::atomic::Ordering::Relaxed) % f.names.len();
            make(kind, &f.names[i])
        })
        .bench_refs(|q| f.index.search(black_box(q), &ALL, 10).len());
}
