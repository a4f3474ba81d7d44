//! Benchmark of learningPath, skillGap, relatedSkills and skillPath on an ESCO-sized graph.
//!
//! Generates ~14k skills in a four-level broader hierarchy (~20k broader links, a polyhierarchy),
//! ~20k prerequisite links shaped like a curriculum (within a group of skills, plus links to a
//! few foundation groups), 5k related pairs, 3k roles with 40 skills each (120k role–skill
//! links, skewed so that the most demanded skills are required by 500–900 roles), 300
//! frameworks, in a fresh database built by the real migrations; then runs each query many
//! times through the GraphQL schema (as the HTTP handler does, minus HTTP) with varied inputs
//! and prints p50/p99/max latency and SQL statements per call (`--breakdown`: mean time of each
//! statement; `--plans`: each statement's query plan).
//!
//! ```sh
//! cargo run --release --example bench_paths                       # SQLite (a temp file)
//! cargo run --release --example bench_paths -- --postgres postgres://postgres@127.0.0.1:5432/test
//! ```
//! With `--postgres`, a database `sgbench_<pid>` is created on that server and dropped after.
use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use async_graphql::{Request, Variables};
use clap::Parser;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait, Value};
use serde_json::json;
use skillgraph::{
    config::{Config, ConfigLayer},
    db::{self, stmt},
    graphql::{loaders::Loaders, schema::build_schema},
    AppState,
};

#[derive(Parser, Debug)]
struct Args {
    /// Also run on PostgreSQL: the URL of a server database to create the bench database from.
    #[arg(long)]
    postgres: Option<String>,
    /// Skip SQLite.
    #[arg(long)]
    no_sqlite: bool,
    /// Timed calls per query (after 20 warm-up calls).
    #[arg(long, default_value_t = 400)]
    iterations: usize,
    #[arg(long, default_value_t = 14_000)]
    skills: usize,
    #[arg(long, default_value_t = 3_000)]
    roles: usize,
    #[arg(long, default_value_t = 40)]
    skills_per_role: usize,
    /// Keep the SQLite database in this file (default: a temp file, removed after).
    #[arg(long)]
    sqlite_file: Option<std::path::PathBuf>,
    /// Keep the PostgreSQL bench database (named in the output) instead of dropping it.
    #[arg(long)]
    keep_postgres: bool,
    /// Also print the mean time of each statement of each query.
    #[arg(long)]
    breakdown: bool,
    /// Also print the query plan of each statement of the first call of each query.
    #[arg(long)]
    plans: bool,
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the generator made, for picking query inputs.
struct Generated {
    skills: usize,
    /// skill index → its broader skill, for leaves and groups.
    parent: Vec<Option<usize>>,
    /// skill index → its prerequisites
    prereqs: Vec<Vec<usize>>,
    role_skills: Vec<Vec<usize>>,
    /// skill indices by popularity, most required first
    popular: Vec<usize>,
    first_leaf: usize,
    counts: (usize, usize, usize, usize, usize),
}

fn slug(i: usize) -> String {
    format!("skill-{i:05}")
}

/// Inserts rows many at a time: `cols` columns per row, `rows` as flat values.
async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), sea_orm::DbErr> {
    let per = 400;
    for chunk in rows.chunks(per) {
        let one = format!("({})", vec!["?"; cols.len()].join(", "));
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {} ON CONFLICT DO NOTHING",
            cols.join(", "),
            vec![one; chunk.len()].join(", ")
        );
        let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
        db.execute_raw(stmt(db.get_database_backend(), &sql, values))
            .await?;
    }
    Ok(())
}

async fn generate(db: &DatabaseConnection, a: &Args) -> Result<Generated, sea_orm::DbErr> {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let n = a.skills;
    // Levels of the broader hierarchy: 20 areas, 200 fields, 1,500 groups, then leaves.
    let (areas, fields, groups) = (20usize, 200usize, 1_500usize);
    let first_leaf = areas + fields + groups;
    let languages = 50usize;
    let now = chrono::Utc::now();
    let txn = db.begin().await?;

    let mut skill_rows = Vec::with_capacity(n);
    for i in 0..n {
        let kind = if i < first_leaf {
            "concept"
        } else if i < first_leaf + languages {
            "language"
        } else {
            ["knowledge", "competence", "tool", "practice"][i % 4]
        };
        skill_rows.push(vec![
            Value::from(i as i64 + 1),
            slug(i).into(),
            format!("Skill {i:05}").into(),
            kind.into(),
            now.into(),
            now.into(),
        ]);
    }
    insert(
        &txn,
        "skill",
        &["id", "slug", "name", "kind", "created_at", "updated_at"],
        skill_rows,
    )
    .await?;

    // Broader: each skill under one skill of the level above, plus a second parent for many
    // leaves (a polyhierarchy, as in ESCO).
    let mut parent = vec![None; n];
    let mut broader = Vec::new();
    for (i, p) in parent.iter_mut().enumerate().skip(areas) {
        let up = if i < areas + fields {
            rng.below(areas)
        } else if i < first_leaf {
            areas + rng.below(fields)
        } else {
            areas + fields + (i - first_leaf) * groups / (n - first_leaf).max(1)
        };
        *p = Some(up);
        broader.push((i, up));
    }
    let target_broader = 20_000usize.saturating_sub(broader.len());
    let mut extra = HashSet::new();
    while extra.len() < target_broader.min(n - first_leaf) {
        let leaf = first_leaf + rng.below(n - first_leaf);
        let g = areas + fields + rng.below(groups);
        if Some(g) != parent[leaf] && extra.insert((leaf, g)) {
            broader.push((leaf, g));
        }
    }
    let rows = broader
        .iter()
        .map(|(s, b)| {
            vec![
                Value::from(*s as i64 + 1),
                (*b as i64 + 1).into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        &txn,
        "skill_broader",
        &["skill_id", "broader_id", "created_at"],
        rows,
    )
    .await?;

    // Prerequisites, shaped like a curated graph: a leaf needs up to three of the leaves before
    // it in its group, and a third of the leaves also need a leaf of one of 30 "foundation"
    // groups (whose leaves only need leaves of their own group). Acyclic by construction, and
    // what a skill needs, transitively, stays small (its group and a few foundations), as in
    // a real curriculum.
    let leaves = n - first_leaf;
    let group_of = |i: usize| (i - first_leaf) * groups / leaves.max(1);
    let mut group_start = vec![usize::MAX; groups];
    let mut group_size = vec![0usize; groups];
    for i in (first_leaf..n).rev() {
        group_start[group_of(i)] = i;
        group_size[group_of(i)] += 1;
    }
    let foundation = |g: usize| g.is_multiple_of(50);
    let foundations: Vec<usize> = (0..groups).filter(|g| foundation(*g)).collect();
    let mut prereqs = vec![Vec::new(); n];
    let mut prereq_rows = Vec::new();
    for (i, list) in prereqs.iter_mut().enumerate().skip(first_leaf) {
        let g = group_of(i);
        let k = i - group_start[g];
        if k > 0 {
            for _ in 0..[0, 1, 1, 2, 2, 3, 3][rng.below(7)] {
                let p = i - 1 - rng.below(k.min(4));
                if !list.contains(&p) {
                    list.push(p);
                }
            }
        }
        if !foundation(g) && rng.below(100) < 45 {
            let fg = foundations[rng.below(foundations.len())];
            let start = group_start[fg];
            let p = start + rng.below(group_size[fg].max(1));
            if !list.contains(&p) {
                list.push(p);
            }
        }
        for p in list.iter() {
            prereq_rows.push(vec![
                Value::from(i as i64 + 1),
                (*p as i64 + 1).into(),
                now.into(),
            ]);
        }
    }
    let prereq_count = prereq_rows.len();
    insert(
        &txn,
        "skill_prerequisite",
        &["skill_id", "prerequisite_id", "created_at"],
        prereq_rows,
    )
    .await?;

    // Related: 5,000 symmetric pairs between leaves of one field.
    let mut related = Vec::new();
    for _ in 0..5_000 {
        let x = first_leaf + rng.below(n - first_leaf);
        let y = (x + 1 + rng.below(30)).min(n - 1);
        if x != y {
            related.push(vec![
                Value::from(x as i64 + 1),
                (y as i64 + 1).into(),
                now.into(),
            ]);
            related.push(vec![
                Value::from(y as i64 + 1),
                (x as i64 + 1).into(),
                now.into(),
            ]);
        }
    }
    let related_count = related.len();
    insert(
        &txn,
        "skill_related",
        &["skill_id", "related_id", "created_at"],
        related,
    )
    .await?;

    // Frameworks: 300, each in a language and using five leaves.
    let mut fw_rows = Vec::new();
    let mut fw_skill_rows = Vec::new();
    for f in 0..300usize {
        let lang = first_leaf + f % languages;
        fw_rows.push(vec![
            Value::from(f as i64 + 1),
            format!("fw-{f:03}").into(),
            format!("Framework {f:03}").into(),
            (lang as i64 + 1).into(),
            "web-framework".into(),
            now.into(),
            now.into(),
        ]);
        let mut uses = vec![lang];
        for _ in 0..5 {
            uses.push(first_leaf + rng.below(n - first_leaf));
        }
        uses.sort_unstable();
        uses.dedup();
        for s in uses {
            fw_skill_rows.push(vec![
                Value::from(f as i64 + 1),
                (s as i64 + 1).into(),
                now.into(),
            ]);
        }
    }
    insert(
        &txn,
        "framework",
        &[
            "id",
            "slug",
            "name",
            "language_id",
            "category",
            "created_at",
            "updated_at",
        ],
        fw_rows,
    )
    .await?;
    insert(
        &txn,
        "framework_skill",
        &["framework_id", "skill_id", "created_at"],
        fw_skill_rows,
    )
    .await?;

    // Roles: popularity is skewed (rank = n·u², so the top skills are required by ~1,000
    // roles and most by a handful), over a shuffled order of the non-area skills.
    let mut popular: Vec<usize> = (areas..n).collect();
    for i in (1..popular.len()).rev() {
        let j = rng.below(i + 1);
        popular.swap(i, j);
    }
    let mut role_rows = Vec::new();
    let mut rs_rows = Vec::new();
    let mut rf_rows = Vec::new();
    let mut role_skills = Vec::new();
    for r in 0..a.roles {
        role_rows.push(vec![
            Value::from(r as i64 + 1),
            format!("role-{r:04}").into(),
            format!("Role {r:04}").into(),
            now.into(),
            now.into(),
        ]);
        let mut mine = Vec::new();
        while mine.len() < a.skills_per_role {
            let u = rng.unit();
            let s = popular[((popular.len() as f64) * u * u) as usize % popular.len()];
            if !mine.contains(&s) {
                mine.push(s);
            }
        }
        for s in &mine {
            let imp = if rng.below(10) < 4 {
                "essential"
            } else {
                "optional"
            };
            rs_rows.push(vec![
                Value::from(r as i64 + 1),
                (*s as i64 + 1).into(),
                imp.into(),
                (1 + rng.below(5) as i32).into(),
                now.into(),
                now.into(),
            ]);
        }
        for _ in 0..3 {
            rf_rows.push(vec![
                Value::from(r as i64 + 1),
                (rng.below(300) as i64 + 1).into(),
                if rng.below(2) == 0 {
                    "essential"
                } else {
                    "optional"
                }
                .into(),
                3i32.into(),
                now.into(),
                now.into(),
            ]);
        }
        role_skills.push(mine);
    }
    insert(
        &txn,
        "role",
        &["id", "slug", "name", "created_at", "updated_at"],
        role_rows,
    )
    .await?;
    let rs_count = rs_rows.len();
    insert(
        &txn,
        "role_skill",
        &[
            "role_id",
            "skill_id",
            "importance",
            "level",
            "created_at",
            "updated_at",
        ],
        rs_rows,
    )
    .await?;
    insert(
        &txn,
        "role_framework",
        &[
            "role_id",
            "framework_id",
            "importance",
            "level",
            "created_at",
            "updated_at",
        ],
        rf_rows,
    )
    .await?;
    txn.commit().await?;
    if db.get_database_backend() == DbBackend::Postgres {
        for t in ["skill", "framework", "role"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .await?;
        }
        // What autovacuum does after a bulk load: statistics and the visibility map (index-only
        // scans).
        db.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(Generated {
        skills: n,
        parent,
        prereqs,
        role_skills,
        popular,
        first_leaf,
        counts: (n, broader.len(), prereq_count, rs_count, related_count / 2),
    })
}

const LEARNING_PATH: &str = r#"query($t: LearningTarget!, $k: [ID!]) {
  learningPath(target: $t, known: $k) {
    steps { position skill { slug name } requirement importance level demand pulledInBy { slug } unlocks { slug } reason }
    satisfied { slug }
  }
}"#;
const SKILL_GAP: &str = r#"query($r: ID!, $k: [ID!]) {
  skillGap(role: $r, known: $k) {
    essential { required covered percent } optional { required covered percent }
    missingEssential { skill { slug } level demand }
    missingOptional { skill { slug } level demand }
    frameworks { framework { slug } percent missing { slug } }
  }
}"#;
const RELATED: &str = r#"query($s: ID!) {
  relatedSkills(skill: $s, first: 10) {
    skill { slug } score
    components { related { value } sharedBroader { value evidence } coRequirement { value evidence } postings { value } }
  }
}"#;
const SKILL_PATH: &str = r#"query($a: ID!, $b: ID!) {
  skillPath(from: $a, to: $b) { length hops { from { slug } to { slug } link relation } }
}"#;

type Case = (
    &'static str,
    &'static str,
    Box<dyn Fn(&mut Rng) -> serde_json::Value>,
);

fn cases(g: &Arc<Generated>) -> Vec<Case> {
    let pick_known = |g: &Generated, rng: &mut Rng, role: usize, n: usize| -> Vec<String> {
        let mine = &g.role_skills[role];
        (0..n).map(|_| slug(mine[rng.below(mine.len())])).collect()
    };
    let mut v: Vec<Case> = Vec::new();
    let g1 = g.clone();
    v.push((
        "learningPath(role, 5 known)",
        LEARNING_PATH,
        Box::new(move |rng| {
            let r = rng.below(g1.role_skills.len());
            json!({ "t": { "role": format!("role-{r:04}") }, "k": pick_known(&g1, rng, r, 5) })
        }),
    ));
    let g2 = g.clone();
    v.push((
        "learningPath(skill, 2 known)",
        LEARNING_PATH,
        Box::new(move |rng| {
            let s = g2.skills - 1 - rng.below(2_000);
            let known: Vec<String> = (0..2)
                .map(|_| slug(g2.first_leaf + rng.below(g2.skills - g2.first_leaf)))
                .collect();
            json!({ "t": { "skill": slug(s) }, "k": known })
        }),
    ));
    let g3 = g.clone();
    v.push((
        "skillGap(role, 10 known)",
        SKILL_GAP,
        Box::new(move |rng| {
            let r = rng.below(g3.role_skills.len());
            json!({ "r": format!("role-{r:04}"), "k": pick_known(&g3, rng, r, 10) })
        }),
    ));
    let g4 = g.clone();
    v.push((
        "relatedSkills(any skill)",
        RELATED,
        Box::new(
            move |rng| json!({ "s": slug(g4.first_leaf + rng.below(g4.skills - g4.first_leaf)) }),
        ),
    ));
    let g5 = g.clone();
    v.push((
        "relatedSkills(top-20 demand)",
        RELATED,
        Box::new(move |rng| json!({ "s": slug(g5.popular[rng.below(20)]) })),
    ));
    let g6 = g.clone();
    v.push((
        "skillPath(connected)",
        SKILL_PATH,
        Box::new(move |rng| {
            // Walk up to four links upwards from a leaf: a chain exists.
            let from = g6.first_leaf + rng.below(g6.skills - g6.first_leaf);
            let mut to = from;
            for _ in 0..4 {
                let ps = &g6.prereqs[to];
                let next = if !ps.is_empty() && rng.below(3) > 0 {
                    Some(ps[rng.below(ps.len())])
                } else {
                    g6.parent[to]
                };
                match next {
                    Some(n) => to = n,
                    None => break,
                }
            }
            if rng.below(2) == 0 {
                json!({ "a": slug(from), "b": slug(to) })
            } else {
                json!({ "a": slug(to), "b": slug(from) })
            }
        }),
    ));
    let g7 = g.clone();
    v.push((
        "skillPath(random pair)",
        SKILL_PATH,
        Box::new(
            move |rng| json!({ "a": slug(rng.below(g7.skills)), "b": slug(rng.below(g7.skills)) }),
        ),
    ));
    v
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn run(label: &str, url: &str, a: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = db::connect(url, 10).await?;
    db::migrate(&conn).await?;
    let t = Instant::now();
    let g = Arc::new(generate(&conn, a).await?);
    let (s, b, p, rs, rel) = g.counts;
    println!(
        "\n== {label}: {s} skills, {b} broader, {p} prerequisite, {rel} related pairs, {} roles, {rs} role-skill links (generated in {:.1}s)",
        g.role_skills.len(),
        t.elapsed().as_secs_f64()
    );
    let statements = Arc::new(AtomicUsize::new(0));
    let timings: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
    let captured: Arc<std::sync::Mutex<Vec<sea_orm::Statement>>> = Arc::default();
    let (counter, log, sql_log) = (statements.clone(), timings.clone(), captured.clone());
    conn.set_metric_callback(move |info| {
        counter.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut l) = log.lock() {
            l.push(info.elapsed);
        }
        if let Ok(mut l) = sql_log.lock() {
            l.push(info.statement.clone());
        }
    });
    let config = Config::build(&[ConfigLayer {
        database_url: Some(url.to_owned()),
        ..Default::default()
    }])
    .map_err(|e| e.detail())?;
    let state = AppState::new(conn.clone(), config);
    let schema = build_schema(state);
    println!(
        "{:<30} {:>9} {:>9} {:>9} {:>12} {:>10}",
        "query", "p50 ms", "p99 ms", "max ms", "statements", "answers"
    );
    let mut rng = Rng(42);
    for (name, query, vars) in cases(&g) {
        let mut times = Vec::with_capacity(a.iterations);
        let mut stmts = (usize::MAX, 0usize);
        let mut nonnull = 0;
        let mut per_statement: Vec<Duration> = Vec::new();
        for i in 0..a.iterations + 20 {
            let v = vars(&mut rng);
            let req = Request::new(query)
                .variables(Variables::from_json(v))
                .data(Loaders::new(&conn));
            statements.store(0, Ordering::Relaxed);
            if let Ok(mut l) = timings.lock() {
                l.clear();
            }
            if let Ok(mut l) = captured.lock() {
                l.clear();
            }
            let t = Instant::now();
            let resp = schema.execute(req).await;
            let el = t.elapsed();
            let n = statements.load(Ordering::Relaxed);
            if !resp.errors.is_empty() {
                return Err(format!("{name}: {:?}", resp.errors).into());
            }
            if a.plans && i == 0 {
                let stmts: Vec<sea_orm::Statement> =
                    captured.lock().map(|l| l.clone()).unwrap_or_default();
                println!("-- plans of {name}");
                for st in stmts {
                    let explain = match conn.get_database_backend() {
                        DbBackend::Postgres => "EXPLAIN (ANALYZE, COSTS OFF) ",
                        _ => "EXPLAIN QUERY PLAN ",
                    };
                    let mut e = st.clone();
                    e.sql = format!("{explain}{}", st.sql);
                    println!("{}", st.sql);
                    for row in conn.query_all_raw(e).await? {
                        let line: String = match conn.get_database_backend() {
                            DbBackend::Postgres => row.try_get_by_index(0)?,
                            _ => row.try_get("", "detail")?,
                        };
                        println!("    {line}");
                    }
                }
            }
            if i >= 20 {
                if let Ok(l) = timings.lock() {
                    if per_statement.len() < l.len() {
                        per_statement.resize(l.len(), Duration::ZERO);
                    }
                    for (k, d) in l.iter().enumerate() {
                        per_statement[k] += *d;
                    }
                }
                times.push(el);
                stmts = (stmts.0.min(n), stmts.1.max(n));
                let data = resp.data.into_json()?;
                if data
                    .as_object()
                    .and_then(|o| o.values().next())
                    .is_some_and(|v| !v.is_null())
                {
                    nonnull += 1;
                }
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let st = if stmts.0 == stmts.1 {
            format!("{}", stmts.0)
        } else {
            format!("{}–{}", stmts.0, stmts.1)
        };
        println!(
            "{:<30} {:>9.2} {:>9.2} {:>9.2} {:>12} {:>9}%",
            name,
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.99)),
            ms(pct(&times, 1.0)),
            st,
            100 * nonnull / times.len().max(1)
        );
        if a.breakdown {
            let each: Vec<String> = per_statement
                .iter()
                .map(|d| format!("{:.2}", ms(*d) / times.len().max(1) as f64))
                .collect();
            println!("{:<30} mean ms per statement: {}", "", each.join(" · "));
        }
    }
    conn.close().await?;
    Ok(())
}

/// The URL of another database on the server of `base`.
fn pg_url_for(base: &str, name: &str) -> String {
    let (prefix, rest) = base.split_at(base.find("://").map(|i| i + 3).unwrap_or(0));
    let (hostpart, query) = match rest.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (rest, String::new()),
    };
    let host = hostpart.split('/').next().unwrap_or(hostpart);
    format!("{prefix}{host}/{name}{query}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = Args::parse();
    if !a.no_sqlite {
        let keep = a.sqlite_file.is_some();
        let path = a.sqlite_file.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("sgbench-{}.db", std::process::id()))
        });
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let r = run("SQLite", &url, &a).await;
        if !keep {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
            }
        }
        r?;
    }
    if let Some(base) = &a.postgres {
        let name = format!("sgbench_{}", std::process::id());
        let admin = db::connect(base, 1).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        let r = run("PostgreSQL", &pg_url_for(base, &name), &a).await;
        if a.keep_postgres {
            println!("kept PostgreSQL database {name}");
        } else {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
        r?;
    }
    Ok(())
}
