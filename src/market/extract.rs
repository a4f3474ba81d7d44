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
//! - Short labels (up to four letters: `lb`, `ml`, `pg`, `rest`, `acid`; not `k8s`) count only in capitals or as the catalog spells its *name* (`Vue`, `pandas`), never
//!   next to a number (`50 lb`, `5 ML`, `pg 3`); `ES` before "module(s)" is not Elasticsearch.
//!   A few two-letter aliases that are common abbreviations elsewhere (`RN` registered nurse,
//!   `PD`, `NP`, `DI`…) never count.
//! - Names that are ordinary words (Express, Rust, Swift, Phoenix, Flask, Spark, Rails, React,
//!   Angular…) count only capitalised (or as the catalog spells them), not right before a US
//!   state code (`Phoenix, AZ`), and only in a technical context: another unambiguous mention or a
//!   technical word (developer, framework, stack, API…) within 120 characters; at the start of a
//!   sentence only with such a cue in the same sentence.
//! - Generic nouns that are aliases (testing, monitoring, logging, containers, architecture,
//!   networking, transactions, cloud…) need that technical context too, in any case.
//! - Group labels of ESCO (`skills`, `knowledge`, `services`, `environment`…) and `security`
//!   never count.
//! - When the longest label at a position is refused (`shell scripts`: no `shell script` at a
//!   word boundary), the longest shorter label starting there that is accepted counts instead.
//!
//! Spans are in characters (not bytes) of the text; `end` is exclusive.
use std::{collections::HashMap, sync::Arc};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use sea_orm::{ConnectionTrait, DatabaseConnection};

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

/// How much a label says on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// A name nobody uses for anything else (PostgreSQL, Kubernetes, C++).
    Strong,
    /// A name that is also an ordinary word (Express, Rust, Swift): capitalised, in context.
    Name,
    /// A generic noun used as an alias (testing, monitoring): in context.
    Generic,
}

struct Pattern {
    targets: Vec<(Kind, i64)>,
    rule: Rule,
    class: Class,
    /// Spellings accepted by [`Rule::ShortCase`].
    spellings: Vec<String>,
    /// The catalog name's spellings among them (a short or ordinary label spelled so counts).
    names: Vec<String>,
}

/// ESCO group labels and words too vague to name a skill: never matched.
const NEVER: &[&str] = &[
    "skills",
    "skill",
    "knowledge",
    "services",
    "service",
    "environment",
    "environments",
    "competence",
    "competences",
    "security",
    "attitudes",
    "values",
    "tools",
    "technology",
    "technologies",
];

/// Short aliases that are common abbreviations outside software.
const NEVER_SHORT: &[&str] = &[
    "rn", "pd", "np", "di", "dl", "sh", "rb", "kt", "gh", "ws", "os",
];

/// Names of skills and frameworks that are also ordinary English words.
const NAME_WORDS: &[&str] = &[
    "express",
    "rust",
    "swift",
    "phoenix",
    "flask",
    "spark",
    "rails",
    "jest",
    "gin",
    "sinatra",
    "elixir",
    "ruby",
    "shell",
    "rabbit",
    "elastic",
    "mongo",
    "torch",
    "sequel",
    "nest",
    "react",
    "angular",
    "hibernate",
    "airflow",
    "pandas",
    "prometheus",
    "tomcat",
    "kafka",
    "cassandra",
    "jenkins",
    "terminal",
    "kanban",
    "scrum",
    "agile",
    "svelte",
    "next",
    "ember",
    "solid",
    "dart",
    "julia",
    "chef",
    "puppet",
    "unity",
    "micronaut",
    "quarkus",
    "symfony",
    "laravel",
];

/// Names that are also places or common words whatever the text: they need one of these words
/// within 60 characters.
const NEAR: &[(&str, &[&str])] = &[(
    "phoenix",
    &["elixir", "liveview", "ecto", "erlang", "framework"],
)];

/// A list item holding nothing but the label (`- Go`).
fn alone_on_line(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = text[line_start..start].trim();
    let after = text[end..line_end].trim();
    after.is_empty() && before.chars().all(|c| matches!(c, '-' | '*' | '•'))
}

/// Generic nouns among the aliases: they name a skill only in a technical text.
const GENERIC_WORDS: &[&str] = &[
    "architecture",
    "networking",
    "containers",
    "logging",
    "monitoring",
    "metrics",
    "tracing",
    "telemetry",
    "transactions",
    "orchestration",
    "migrations",
    "scaling",
    "testing",
    "messaging",
    "cache",
    "caching",
    "encryption",
    "hashing",
    "profiling",
    "indexing",
    "indexes",
    "normalization",
    "cloud",
    "database",
    "databases",
    "apis",
    "web services",
    "backend",
    "frontend",
    "debugging",
    "statistics",
    "stats",
    "algorithms",
    "concurrency",
    "scalability",
    "authentication",
    "authorization",
    "access control",
    "cryptography",
    "serverless",
    "big data",
    "incident response",
    "on-call",
    "postmortems",
    "peer review",
    "data modeling",
    "responsive design",
    "monolith",
    "orchestration",
    "performance testing",
    "stress testing",
    "data analysis",
    "data analytics",
    "quality assurance",
    "operating systems",
    "linux containers",
];

/// Words that make a text technical enough for the ambiguous labels above.
const TECH_CUES: &[&str] = &[
    "developer",
    "developers",
    "development",
    "engineer",
    "engineers",
    "engineering",
    "programming",
    "programmer",
    "language",
    "languages",
    "framework",
    "frameworks",
    "library",
    "libraries",
    "stack",
    "code",
    "coding",
    "software",
    "back-end",
    "front-end",
    "backend",
    "frontend",
    "api",
    "apis",
    "ios",
    "android",
    "devops",
    "microservices",
    "it",
    "sre",
    "deployments",
    "deploy",
    "pipelines",
    "repository",
    "open-source",
    "open source",
];

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
        _ if lower.chars().count() <= 4 && lower.chars().all(char::is_alphabetic) => {
            Rule::ShortCase
        }
        _ => Rule::Plain,
    }
}

fn class_for(lower: &str) -> Class {
    if NAME_WORDS.contains(&lower) {
        Class::Name
    } else if GENERIC_WORDS.contains(&lower) {
        Class::Generic
    } else {
        Class::Strong
    }
}

/// The word before byte `start`, lowercased.
fn prev_word(text: &str, start: usize) -> String {
    let before = text[..start].trim_end_matches([' ', '\t']);
    let mut w: Vec<char> = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .flat_map(char::to_lowercase)
        .collect();
    w.reverse();
    w.into_iter().collect()
}

fn is_number(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `, AZ` or `, Arizona`-like: a place name, not a technology.
fn before_state_code(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let Some(rest) = rest.strip_prefix(", ") else {
        return false;
    };
    let code: String = rest.chars().take(3).collect();
    let mut cs = code.chars();
    matches!((cs.next(), cs.next(), cs.next()), (Some(a), Some(b), c)
        if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_none_or(|c| !c.is_alphanumeric()))
}

/// Byte range of the sentence around `start..end` (up to `.`, `!`, `?` or a line end).
/// How far (bytes) the context of an ambiguous mention is looked for, each side.
const CONTEXT_SCAN: usize = 1_000;

fn sentence(text: &str, start: usize, end: usize) -> (usize, usize) {
    let lo = text[..start]
        .rfind(['.', '!', '?', '\n'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let hi = text[end..]
        .find(['!', '?', '\n'])
        .map(|i| end + i)
        .unwrap_or(text.len());
    let hi = text[end..hi].find(". ").map(|i| end + i).unwrap_or(hi);
    (lo, hi)
}

/// Whether `lo..hi` holds one of the technical cue words.
fn has_cue(text: &str, lo: usize, hi: usize) -> bool {
    let w = text[lo..hi].to_ascii_lowercase();
    TECH_CUES.iter().any(|x| {
        w.match_indices(x).any(|(i, _)| {
            let before = w[..i].chars().next_back().is_none_or(|c| !is_word(c));
            let after = w[i + x.len()..].chars().next().is_none_or(|c| !is_word(c));
            before && after
        })
    })
}

/// A byte window of about `n` characters each side, on character boundaries.
fn window(text: &str, start: usize, end: usize, n: usize) -> (usize, usize) {
    let mut lo = start.saturating_sub(n);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (end + n).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    (lo, hi)
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
            if NEVER.contains(&lower.as_str()) || NEVER_SHORT.contains(&lower.as_str()) {
                continue;
            }
            let i = *by_text.entry(lower.clone()).or_insert_with(|| {
                texts.push(lower.clone());
                patterns.push(Pattern {
                    targets: Vec::new(),
                    rule: rule_for(&lower),
                    class: class_for(&lower),
                    spellings: Vec::new(),
                    names: Vec::new(),
                });
                patterns.len() - 1
            });
            let p = &mut patterns[i];
            if !p.targets.contains(&(kind, id)) {
                p.targets.push((kind, id));
            }
            // A spelling with a capital is deliberate (a name: Vue, Go, PHP); lower-case ones
            // are aliases typed for lookups.
            if text.chars().any(char::is_uppercase) && !p.names.contains(&text) {
                p.names.push(text.clone());
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
                    .start_kind(StartKind::Both)
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
        let rule_ok = match p.rule {
            Rule::Plain => true,
            Rule::ShortCase => self.short_ok(p, text, start, end),
            Rule::Go => {
                let next = next_word(text, end);
                (found == "Go" || found == "GO")
                    && next != "to"
                    && (!sentence_start(text, start)
                        || GO_CONTEXT.contains(&next.as_str())
                        || alone_on_line(text, start, end))
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
        };
        if !rule_ok {
            return false;
        }
        if let Some((_, near)) = NEAR.iter().find(|(l, _)| found.eq_ignore_ascii_case(l)) {
            if !window_has(text, start, end, near) {
                return false;
            }
        }
        if p.class == Class::Name {
            let capital = found.chars().next().is_some_and(char::is_uppercase);
            if !(capital || p.spellings.iter().any(|s| s == found)) {
                return false;
            }
            if before_state_code(text, end) {
                return false;
            }
        }
        true
    }

    /// The short-label rule: capitals or the name's spelling, never next to a number (units),
    /// lower case only as an item of a list (`python, sql, docker`).
    fn short_ok(&self, p: &Pattern, text: &str, start: usize, end: usize) -> bool {
        let found = &text[start..end];
        if p.names.iter().any(|s| s == found) {
            return true;
        }
        let lower = found.to_lowercase();
        if lower == "es" && matches!(next_word(text, end).as_str(), "module" | "modules") {
            return false;
        }
        if is_number(&prev_word(text, start)) || is_number(&next_word(text, end)) {
            return false;
        }
        if found
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
        {
            return true;
        }
        // Three or four letters capitalised (`Node`, `Vue`) inside a sentence.
        let mut cs = found.chars();
        if found.chars().count() >= 3
            && cs.next().is_some_and(char::is_uppercase)
            && cs.all(char::is_lowercase)
            && !sentence_start(text, start)
        {
            return true;
        }
        let prev = text[..start]
            .trim_end_matches([' ', '\t'])
            .chars()
            .next_back();
        let next = text[end..].trim_start_matches([' ', '\t']).chars().next();
        let item_start = prev.is_some_and(|c| matches!(c, ',' | ';' | '/' | '|' | '('));
        let item_end = next.is_some_and(|c| matches!(c, ',' | ';' | '/' | '|' | ')'));
        let edge_before = prev.is_none_or(|c| c == '\n');
        let edge_after = next.is_none_or(|c| c == '\n' || c == '\r');
        (item_start && (item_end || edge_after)) || (edge_before && item_end)
    }

    /// Every accepted match, left to right, not overlapping: the longest label at each position,
    /// else the longest shorter one starting there that is accepted.
    fn matches(&self, ac: &AhoCorasick, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = ac.find(Input::new(text).range(pos..)) else {
                break;
            };
            let (start, mut end, mut pat) = (m.start(), m.end(), m.pattern().as_usize());
            let mut ok = self.accepts(&self.patterns[pat], text, start, end);
            while !ok && end > start + 1 {
                let shorter = ac.find(
                    Input::new(text)
                        .range(start..end - 1)
                        .anchored(Anchored::Yes),
                );
                let Some(s) = shorter else {
                    break;
                };
                end = s.end();
                pat = s.pattern().as_usize();
                ok = self.accepts(&self.patterns[pat], text, start, end);
            }
            if ok {
                out.push((start, end, pat));
                pos = end;
            } else {
                pos = start + text[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        out
    }

    /// Every mention in the text, left to right.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        let mut out = Vec::new();
        let Some(ac) = &self.ac else {
            return out;
        };
        let found = self.matches(ac, text);
        // Ambiguous labels need a technical context: an unambiguous mention or a cue word near
        // them (in the same sentence when they open a sentence of prose).
        let strong: Vec<(usize, usize)> = found
            .iter()
            .filter(|(_, _, p)| self.patterns[*p].class == Class::Strong)
            .map(|(s, e, _)| (*s, *e))
            .collect();
        // Every scan stays within CONTEXT_SCAN bytes of the mention and strong mentions are
        // found by binary search: on one 900 KB line each ambiguous mention used to scan the
        // whole line and every strong mention (23 s of CPU for two such texts, issue #10).
        let in_context = |start: usize, end: usize| {
            let (near_lo, near_hi) = window(text, start, end, CONTEXT_SCAN);
            let line_start = text[near_lo..start]
                .rfind('\n')
                .map_or(near_lo, |i| near_lo + i + 1);
            let line = text[line_start..near_hi].split('\n').next().unwrap_or("");
            let item = line.trim_start().starts_with(['-', '*', '•'])
                || line.split_whitespace().count() <= 4;
            let (lo, hi) = if sentence_start(text, start) && !item {
                let (lo, hi) = sentence(&text[near_lo..near_hi], start - near_lo, end - near_lo);
                (near_lo + lo, near_lo + hi)
            } else {
                window(text, start, end, 120)
            };
            let first = strong.partition_point(|(s, _)| *s < lo);
            has_cue(text, lo, hi)
                || strong[first..]
                    .iter()
                    .take_while(|(s, _)| *s <= hi)
                    .any(|(_, e)| *e <= hi)
        };
        // Byte offsets to character offsets, counted incrementally.
        let (mut byte_pos, mut char_pos) = (0usize, 0usize);
        for (start, end, pat) in found {
            let p = &self.patterns[pat];
            if p.class != Class::Strong && !in_context(start, end) {
                continue;
            }
            char_pos += text[byte_pos..start].chars().count();
            let len = text[start..end].chars().count();
            byte_pos = start;
            for (kind, id) in &p.targets {
                out.push(Mention {
                    kind: *kind,
                    id: *id,
                    start: char_pos,
                    end: char_pos + len,
                    text: text[start..end].to_owned(),
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
pub struct ExtractCache(crate::search::versioned::VersionedCache<Extractor>);

impl ExtractCache {
    /// The extractor as of the graph version (see `search::versioned`).
    pub async fn get(&self, db: &DatabaseConnection) -> AppResult<Arc<Extractor>> {
        self.0
            .get(db, |db, v| async move { load(&db, v).await })
            .await
    }

    /// How many times it was built.
    pub fn rebuilds(&self) -> u64 {
        self.0.rebuilds()
    }
}

impl crate::search::versioned::Versioned for Extractor {
    fn version(&self) -> i64 {
        self.version
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

    fn ex2() -> Extractor {
        let s = |id: i64, t: &str| (Kind::Skill, id, t.to_owned());
        let f = |id: i64, t: &str| (Kind::Framework, id, t.to_owned());
        Extractor::build(
            1,
            vec![
                s(1, "Docker"),
                s(2, "Docker Compose"),
                s(3, "Load Balancing"),
                s(3, "lb"),
                s(4, "Machine Learning"),
                s(4, "ml"),
                s(5, "Rust"),
                s(6, "Swift"),
                f(7, "Express"),
                f(8, "Phoenix"),
                s(9, "Elixir"),
                s(10, "skills"),
                s(11, "Knowledge"),
                s(12, "PostgreSQL"),
                s(12, "pg"),
                s(13, "Software Testing"),
                s(13, "testing"),
                s(14, ".NET"),
                s(15, "SQL"),
            ],
            None,
        )
        .expect("build")
    }

    fn ids2(text: &str) -> Vec<i64> {
        ex2().extract(text).into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn a_refused_longer_label_falls_back_to_a_shorter_one() {
        assert_eq!(ids2("Docker Composer files"), vec![1]);
        assert_eq!(ids2("Docker Compose files"), vec![2]);
    }

    #[test]
    fn short_labels_need_capitals_and_no_numbers() {
        assert!(ids2("lift 50 lb boxes, give 5 ml doses, see pg 3").is_empty());
        assert!(ids2("5 ML of saline").is_empty());
        assert_eq!(ids2("ML and LB work"), vec![4, 3]);
        assert_eq!(ids2("Skills: docker, sql, pg"), vec![1, 15, 12]);
        assert_eq!(ids2("We run .NET 8 and SQL"), vec![14, 15]);
    }

    #[test]
    fn ordinary_words_need_case_and_context() {
        assert!(ids2("Please express your interest. We remove rust.").is_empty());
        assert!(ids2("Swift delivery is our promise.").is_empty());
        assert!(ids2("Our Phoenix office, and Phoenix, AZ.").is_empty());
        assert_eq!(ids2("Services in Rust and Docker"), vec![5, 1]);
        assert_eq!(ids2("An Elixir developer for our Phoenix app"), vec![9, 8]);
        assert_eq!(ids2("APIs with Express on Node"), vec![7]);
        assert!(ids2("Manual testing of the lawn mowers.").is_empty());
        assert_eq!(ids2("Automated testing with Docker"), vec![13, 1]);
        assert!(ids2("Skills and knowledge required").is_empty());
    }

    #[test]
    fn looks_up_exact_labels() {
        assert_eq!(ex().lookup("GOLANG"), vec![(Kind::Skill, 5)]);
        assert!(ex().lookup("golang dev").is_empty());
    }
}
