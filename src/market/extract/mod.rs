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
mod context;
#[cfg(test)]
mod tests;

use context::*;

pub struct Extractor {
    version: i64,
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

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
