//! Finding the skills and frameworks a text mentions: every name and alias of the catalog in one
//! Aho–Corasick automaton (leftmost-longest, ASCII case-insensitive), checked on word boundaries,
//! with rules for the names that are also ordinary words.
//!
//! The rules, in order:
//! - A match must start and end on a word boundary: the characters around it are not letters,
//!   digits, `_`, `+` or `#` (so `C` is not found inside `C++`, nor `.NET` inside `ASP.NET`
//!   unless `ASP.NET` is itself a label, which then wins as the longer match).
//! - Labels of one or two letters (`Go`, `R`, `JS`, `AI`…) must appear in the case the catalog
//!   spells them or in capitals: `Go`/`GO` but not `go`, `R` but not `r`.
//! - `Go` at the start of a sentence counts only when the next word says it is the language
//!   (developer, engineer, programming, language, code, services, microservices, backend,
//!   experience, and, or, a comma or a slash), and `Go` followed by `to` never counts.
//!   `Golang` always counts.
//! - `R` does not count in `R&D` or `R'`.
//! - `ROR` counts as Ruby on Rails only as `ROR` or `RoR`.
//! - `Spring` (alone; `Spring Boot` and `Spring Framework` are labels of their own) counts as the
//!   Spring framework only with a capital S and either a next word such as Boot, Framework, MVC,
//!   Cloud, Security, Data, Batch or WebFlux, or `Java` or `Kotlin` within 60 characters.
//!
//! Spans are in characters (not bytes) of the text; `end` is exclusive.
use std::{collections::HashMap, sync::Arc};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::{Mutex, RwLock};

use crate::{
    db::stmt,
    error::{AppError, AppResult},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Skill,
    Framework,
}

/// A mention of a catalog entry in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub kind: Kind,
    pub id: i64,
    /// Character offsets, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The text as it appears.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Plain,
    /// Exact catalog case or all capitals.
    ShortCase,
    Go,
    R,
    Ror,
    Spring,
}

struct Pattern {
    targets: Vec<(Kind, i64)>,
    rule: Rule,
    /// Spellings accepted by [`Rule::ShortCase`].
    spellings: Vec<String>,
}

pub struct Extractor {
    version: i64,
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '+' || c == '#'
}

fn rule_for(lower: &str) -> Rule {
    match lower {
        "go" => Rule::Go,
        "r" => Rule::R,
        "ror" => Rule::Ror,
        "spring" => Rule::Spring,
        _ if lower.chars().count() <= 2 && lower.chars().all(char::is_alphabetic) => {
            Rule::ShortCase
        }
        _ => Rule::Plain,
    }
}

/// The next word after byte `end`, lowercased (a lone `,` or `/` counts as a word).
fn next_word(text: &str, end: usize) -> String {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    if let Some(c) = rest.chars().next() {
        if c == ',' || c == '/' {
            return c.to_string();
        }
    }
    rest.chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '\n' | '\r' | ':' | '•' | '-' | '*'),
    }
}

fn window_has(text: &str, start: usize, end: usize, words: &[&str]) -> bool {
    let mut lo = start.saturating_sub(60);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + 60).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let w = text[lo..hi].to_ascii_lowercase();
    words.iter().any(|x| {
        w.match_indices(x).any(|(i, _)| {
            let before = w[..i].chars().next_back().is_none_or(|c| !is_word(c));
            let after = w[i + x.len()..].chars().next().is_none_or(|c| !is_word(c));
            before && after
        })
    })
}

const GO_CONTEXT: &[&str] = &[
    "developer",
    "developers",
    "engineer",
    "engineers",
    "programmer",
    "programming",
    "language",
    "code",
    "services",
    "microservices",
    "backend",
    "experience",
    "and",
    "or",
    ",",
    "/",
];

const SPRING_NEXT: &[&str] = &[
    "boot",
    "framework",
    "mvc",
    "cloud",
    "security",
    "data",
    "batch",
    "webflux",
];

impl Extractor {
    /// Builds the automaton over `(kind, id, label)` rows, plus `Spring` for the Spring framework
    /// when the catalog has a framework with slug `spring` (given as `spring_framework`).
    pub fn build(
        version: i64,
        labels: Vec<(Kind, i64, String)>,
        spring_framework: Option<i64>,
    ) -> AppResult<Extractor> {
        let mut by_text: HashMap<String, usize> = HashMap::new();
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let extra = spring_framework.map(|id| (Kind::Framework, id, "Spring".to_owned()));
        for (kind, id, text) in labels.into_iter().chain(extra) {
            let text = text.trim().to_owned();
            if text.is_empty() {
                continue;
            }
            let lower = text.to_lowercase();
            let i = *by_text.entry(lower.clone()).or_insert_with(|| {
                texts.push(lower.clone());
                patterns.push(Pattern {
                    targets: Vec::new(),
                    rule: rule_for(&lower),
                    spellings: Vec::new(),
                });
                patterns.len() - 1
            });
            let p = &mut patterns[i];
            if !p.targets.contains(&(kind, id)) {
                p.targets.push((kind, id));
            }
            if !p.spellings.contains(&text) {
                p.spellings.push(text);
            }
        }
        let ac = if texts.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(&texts)
                    .map_err(|e| AppError::Internal(format!("cannot build the extractor: {e}")))?,
            )
        };
        Ok(Extractor {
            version,
            ac,
            patterns,
        })
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn accepts(&self, p: &Pattern, text: &str, start: usize, end: usize) -> bool {
        let found = &text[start..end];
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_some_and(is_word) || after.is_some_and(is_word) {
            return false;
        }
        match p.rule {
            Rule::Plain => true,
            Rule::ShortCase => {
                p.spellings.iter().any(|s| s == found) || found.chars().all(|c| c.is_uppercase())
            }
            Rule::Go => {
                if found != "Go" && found != "GO" {
                    return false;
                }
                let next = next_word(text, end);
                if next == "to" {
                    return false;
                }
                !sentence_start(text, start) || GO_CONTEXT.contains(&next.as_str())
            }
            Rule::R => {
                found == "R" && after != Some('&') && after != Some('\'') && before != Some('&')
            }
            Rule::Ror => found == "ROR" || found == "RoR",
            Rule::Spring => {
                found == "Spring"
                    && (SPRING_NEXT.contains(&next_word(text, end).as_str())
                        || window_has(text, start, end, &["java", "kotlin"]))
            }
        }
    }

    /// Every mention in the text, left to right.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let Some(ac) = &self.ac else {
            return out;
        };
        // Byte offsets to character offsets, counted incrementally.
        let (mut byte_pos, mut char_pos) = (0usize, 0usize);
        for m in ac.find_iter(text) {
            let p = &self.patterns[m.pattern().as_usize()];
            if !self.accepts(p, text, m.start(), m.end()) {
                continue;
            }
            char_pos += text[byte_pos..m.start()].chars().count();
            let len = text[m.start()..m.end()].chars().count();
            byte_pos = m.start();
            for (kind, id) in &p.targets {
                out.push(Mention {
                    kind: *kind,
                    id: *id,
                    start: char_pos,
                    end: char_pos + len,
                    text: text[m.start()..m.end()].to_owned(),
                });
            }
        }
        out
    }

    /// The distinct skills and frameworks a text mentions, in order of first mention.
    pub fn distinct(&self, text: &str) -> (Vec<i64>, Vec<i64>) {
        let (mut skills, mut frameworks) = (Vec::new(), Vec::new());
        for m in self.extract(text) {
            let v = match m.kind {
                Kind::Skill => &mut skills,
                Kind::Framework => &mut frameworks,
            };
            if !v.contains(&m.id) {
                v.push(m.id);
            }
        }
        (skills, frameworks)
    }

    /// Exact lookup of one label (case-insensitive), as ingestion resolves a listed skill.
    pub fn lookup(&self, label: &str) -> Vec<(Kind, i64)> {
        let lower = label.trim().to_lowercase();
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        match ac.find(lower.as_str()) {
            Some(m) if m.start() == 0 && m.end() == lower.len() => {
                self.patterns[m.pattern().as_usize()].targets.clone()
            }
            _ => Vec::new(),
        }
    }
}

/// Every name and alias of skills and frameworks (slugs too, for exact lookups by slug).
async fn load(db: &DatabaseConnection, version: i64) -> AppResult<Extractor> {
    let sql = "SELECT 's' AS k, id AS eid, name AS label FROM skill \
               UNION ALL SELECT 's', skill_id, alias FROM skill_alias \
               UNION ALL SELECT 'f', id, name FROM framework \
               UNION ALL SELECT 'f', framework_id, alias FROM framework_alias";
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(stmt(backend, sql, vec![])).await?;
    let mut labels = Vec::with_capacity(rows.len());
    for r in &rows {
        let k: String = r.try_get("", "k")?;
        let kind = if k == "s" {
            Kind::Skill
        } else {
            Kind::Framework
        };
        labels.push((kind, r.try_get("", "eid")?, r.try_get("", "label")?));
    }
    let spring = db
        .query_one_raw(stmt(
            backend,
            "SELECT id FROM framework WHERE slug = 'spring'",
            vec![],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "id"))
        .transpose()?;
    // The automaton build is CPU work (4.3 s cold at ESCO scale): off the async workers.
    tokio::task::spawn_blocking(move || Extractor::build(version, labels, spring))
        .await
        .map_err(|e| AppError::Internal(format!("extractor build failed: {e}")))?
}

/// This instance's extractor, rebuilt when the graph version moves (as the search index is).
#[derive(Default)]
pub struct ExtractCache {
    current: Arc<RwLock<Option<Arc<Extractor>>>>,
    rebuild: Arc<Mutex<()>>,
    rebuilds: Arc<std::sync::atomic::AtomicU64>,
}

impl ExtractCache {
    /// The extractor as of the graph version; during a rebuild others keep the previous one.
    pub async fn get(&self, db: &DatabaseConnection) -> AppResult<Arc<Extractor>> {
        let v = crate::search::version(db).await?;
        let stale = match self.current.read().await.as_ref() {
            Some(x) if x.version == v => return Ok(Arc::clone(x)),
            Some(x) => Some(Arc::clone(x)),
            None => None,
        };
        let guard = match (Arc::clone(&self.rebuild).try_lock_owned(), stale) {
            (Ok(g), _) => g,
            (Err(_), Some(old)) => return Ok(old),
            (Err(_), None) => Arc::clone(&self.rebuild).lock_owned().await,
        };
        if let Some(x) = self.current.read().await.as_ref() {
            if x.version == v {
                return Ok(Arc::clone(x));
            }
        }
        // The build runs as a task of its own and stores its result, so a request that times
        // out or goes away does not waste it (nor start it over).
        let (db, current, rebuilds) = (
            db.clone(),
            Arc::clone(&self.current),
            Arc::clone(&self.rebuilds),
        );
        let task = tokio::spawn(async move {
            let _guard = guard;
            let built = Arc::new(load(&db, v).await?);
            rebuilds.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            *current.write().await = Some(Arc::clone(&built));
            Ok::<_, AppError>(built)
        });
        task.await
            .map_err(|e| AppError::Internal(format!("cache build failed: {e}")))?
    }

    /// How many times the extractor was built.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex() -> Extractor {
        let s = |id: i64, t: &str| (Kind::Skill, id, t.to_owned());
        let f = |id: i64, t: &str| (Kind::Framework, id, t.to_owned());
        Extractor::build(
            1,
            vec![
                s(1, "C++"),
                s(2, "C#"),
                s(3, ".NET"),
                f(4, "Node.js"),
                f(4, "node"),
                s(5, "Go"),
                s(5, "golang"),
                s(6, "R"),
                f(7, "Spring Framework"),
                f(8, "Spring Boot"),
                f(9, "Ruby on Rails"),
                f(9, "ror"),
                s(10, "C"),
                s(11, "Java"),
                s(12, "JavaScript"),
                f(13, "ASP.NET"),
                s(14, "PostgreSQL"),
            ],
            Some(7),
        )
        .expect("build")
    }

    fn found(text: &str) -> Vec<(String, i64)> {
        ex().extract(text)
            .into_iter()
            .map(|m| (m.text, m.id))
            .collect()
    }

    fn ids(text: &str) -> Vec<i64> {
        found(text).into_iter().map(|(_, id)| id).collect()
    }

    #[test]
    fn symbols_and_boundaries() {
        assert_eq!(ids("We use C++, C# and .NET daily."), vec![1, 2, 3]);
        assert_eq!(ids("Plain C or C++?"), vec![10, 1]);
        assert_eq!(ids("ASP.NET apps"), vec![13]);
        assert_eq!(ids("node.js and Node and nodes"), vec![4, 4]);
        assert_eq!(ids("JavaScript, not Java? Java!"), vec![12, 11, 11]);
        assert_eq!(ids("postgresql"), vec![14]);
    }

    #[test]
    fn go_only_as_the_language() {
        assert_eq!(ids("Experience with Go and Python"), vec![5]);
        assert_eq!(ids("Golang microservices"), vec![5]);
        assert_eq!(ids("Go developer wanted"), vec![5]);
        assert!(ids("We go fast. Ready to go?").is_empty());
        assert!(ids("Go to our website. Go ahead.").is_empty());
        assert!(ids("Always on the go").is_empty());
    }

    #[test]
    fn r_spring_and_ror() {
        assert_eq!(ids("Statistics in R or Python"), vec![6]);
        assert!(ids("our R&D team, r is not R'").is_empty());
        assert!(ids("Starting in spring 2026").is_empty());
        assert!(ids("Spring is lovely here").is_empty());
        assert_eq!(ids("Java 17 with Spring"), vec![11, 7]);
        assert_eq!(ids("Spring Boot and Spring Framework"), vec![8, 7]);
        assert_eq!(ids("Spring MVC"), vec![7]);
        assert_eq!(ids("ROR or RoR or Ruby on Rails"), vec![9, 9, 9]);
        assert!(ids("ror, error").is_empty());
    }

    #[test]
    fn spans_are_in_characters() {
        let m = ex().extract("Ünïcödé — C++ and Go");
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].start, m[0].end, m[0].text.as_str()), (10, 13, "C++"));
        assert_eq!((m[1].start, m[1].end, m[1].text.as_str()), (18, 20, "Go"));
    }

    #[test]
    fn looks_up_exact_labels() {
        assert_eq!(ex().lookup("GOLANG"), vec![(Kind::Skill, 5)]);
        assert!(ex().lookup("golang dev").is_empty());
    }
}
