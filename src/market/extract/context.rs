//! The word lists and text tests behind the extractor's rules (see the module above).

use super::{Class, Rule};

pub(super) const NEVER: &[&str] = &[
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
pub(super) const NEVER_SHORT: &[&str] = &[
    "rn", "pd", "np", "di", "dl", "sh", "rb", "kt", "gh", "ws", "os",
];

/// Names of skills and frameworks that are also ordinary English words.
pub(super) const NAME_WORDS: &[&str] = &[
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
pub(super) const NEAR: &[(&str, &[&str])] = &[(
    "phoenix",
    &["elixir", "liveview", "ecto", "erlang", "framework"],
)];

/// A list item holding nothing but the label (`- Go`).
pub(super) fn alone_on_line(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = text[line_start..start].trim();
    let after = text[end..line_end].trim();
    after.is_empty() && before.chars().all(|c| matches!(c, '-' | '*' | '•'))
}

/// Generic nouns among the aliases: they name a skill only in a technical text.
pub(super) const GENERIC_WORDS: &[&str] = &[
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
pub(super) const TECH_CUES: &[&str] = &[
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

pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '+' || c == '#'
}

pub(super) fn rule_for(lower: &str) -> Rule {
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

pub(super) fn class_for(lower: &str) -> Class {
    if NAME_WORDS.contains(&lower) {
        Class::Name
    } else if GENERIC_WORDS.contains(&lower) {
        Class::Generic
    } else {
        Class::Strong
    }
}

/// The word before byte `start`, lowercased.
pub(super) fn prev_word(text: &str, start: usize) -> String {
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

pub(super) fn is_number(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `, AZ` or `, Arizona`-like: a place name, not a technology.
pub(super) fn before_state_code(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let Some(rest) = rest.strip_prefix(", ") else {
        return false;
    };
    let code: String = rest.chars().take(3).collect();
    let mut cs = code.chars();
    matches!((cs.next(), cs.next(), cs.next()), (Some(a), Some(b), c)
        if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_none_or(|c| !c.is_alphanumeric()))
}

/// How far (bytes) the context of an ambiguous mention is looked for, each side.
pub(super) const CONTEXT_SCAN: usize = 1_000;

/// Byte range of the sentence around `start..end` (up to `.`, `!`, `?` or a line end).
pub(super) fn sentence(text: &str, start: usize, end: usize) -> (usize, usize) {
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
pub(super) fn has_cue(text: &str, lo: usize, hi: usize) -> bool {
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
pub(super) fn window(text: &str, start: usize, end: usize, n: usize) -> (usize, usize) {
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
pub(super) fn next_word(text: &str, end: usize) -> String {
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

pub(super) fn sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '\n' | '\r' | ':' | '•' | '-' | '*'),
    }
}

pub(super) fn window_has(text: &str, start: usize, end: usize, words: &[&str]) -> bool {
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

pub(super) const GO_CONTEXT: &[&str] = &[
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

pub(super) const SPRING_NEXT: &[&str] = &[
    "boot",
    "framework",
    "mvc",
    "cloud",
    "security",
    "data",
    "batch",
    "webflux",
];
