//! Parsed documents and what validating them measured, kept per instance: a client sends the
//! same few documents over and over (with other variables), and parsing one (pest, ~109k
//! instructions for Q3's text) and validating it (every rule, on the pricing schema, ~45k)
//! were a third of a Q3 request's instructions (callgrind, issue #9 round 6).
//!
//! - Keyed by the document's exact text: a different text is a different entry (the map
//!   compares the whole text, not a hash of it).
//! - Bounded: at most [`MAX_ENTRIES`] documents and [`MAX_BYTES`] of text (an entry is counted
//!   as [`WEIGHT_PER_BYTE`] times its text, the parsed form included); a document over
//!   [`MAX_TEXT`] is parsed every time and never kept. Least recently used goes first.
//! - Per instance (one per [`crate::app`]): a changed schema or configuration is a new
//!   instance with an empty cache.
//! - Only successes are kept: a parse or validation error is computed again for every request
//!   that makes it, so errors are exactly what they were without the cache.
//! - A validation result is kept per (operation name, key of the variables): validation reads
//!   variables only where the document uses them (the type check of an argument's value, the
//!   complexity of a field whose price reads an argument). The key holds each declared
//!   variable's whole value, except for variables of type `String`, `ID`, `Boolean` and `Float`:
//!   once the document is valid such a variable can only stand where that very scalar is
//!   expected, whose check depends only on the value's kind (string, integer, other number,
//!   boolean, null, list lengths); the key keeps that kind and string lengths. At most
//!   [`MAX_VALIDATIONS`] such results per document.
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use async_graphql::{
    parser::types::{BaseType, ExecutableDocument},
    ServerError, Value, Variables,
};

use crate::graphql::{cost::Validated, json};

/// Documents kept at most.
pub(crate) const MAX_ENTRIES: usize = 1_000;
/// Weighted bytes kept at most (see [`WEIGHT_PER_BYTE`]).
pub(crate) const MAX_BYTES: usize = 32 << 20;
/// What an entry is counted per byte of its text: the text itself and its parsed form, an
/// estimate (every name of the text becomes a node with its position, tens of bytes each, and
/// every selection set and argument list a vector of them).
pub(crate) const WEIGHT_PER_BYTE: usize = 40;
/// Longer documents are never kept.
pub(crate) const MAX_TEXT: usize = 64 << 10;
/// Validation results kept per document (operation names × variable keys).
pub(crate) const MAX_VALIDATIONS: usize = 64;
/// Variable keys longer than this are not kept (a large input value would only churn).
const MAX_KEY: usize = 1_024;

/// The cache of one instance.
pub(crate) struct Documents {
    inner: Mutex<Inner>,
    max_entries: usize,
    max_bytes: usize,
}

struct Inner {
    lru: lru::LruCache<String, Arc<Prepared>>,
    bytes: usize,
}

impl Default for Documents {
    fn default() -> Self {
        Documents::new(MAX_ENTRIES, MAX_BYTES)
    }
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (entries, bytes) = self.size();
        f.debug_struct("Documents")
            .field("entries", &entries)
            .field("bytes", &bytes)
            .finish()
    }
}

impl Documents {
    /// A cache of at most `max_entries` documents and `max_bytes` weighted bytes.
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Documents {
            inner: Mutex::new(Inner {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
            }),
            max_entries: max_entries.max(1),
            max_bytes,
        }
    }

    /// The parsed document of `text`: the kept one, or parsed now (and kept if it is small
    /// enough). A parse error is never kept.
    pub(crate) fn parse(&self, text: &str) -> Result<Arc<Prepared>, ServerError> {
        if let Ok(mut inner) = self.inner.lock() {
            if let Some(p) = inner.lru.get(text) {
                return Ok(Arc::clone(p));
            }
        }
        // Parsed outside the lock; two requests missing at once both parse, one entry stays.
        let doc = async_graphql::parser::parse_query(text).map_err(ServerError::from)?;
        let prepared = Arc::new(Prepared::new(doc));
        let weight = weight(text);
        if text.len() <= MAX_TEXT && weight <= self.max_bytes {
            if let Ok(mut inner) = self.inner.lock() {
                if let Some(old) = inner.lru.put(text.to_owned(), Arc::clone(&prepared)) {
                    drop(old);
                    inner.bytes = inner.bytes.saturating_sub(weight);
                }
                inner.bytes = inner.bytes.saturating_add(weight);
                while inner.lru.len() > self.max_entries || inner.bytes > self.max_bytes {
                    let Some((k, _)) = inner.lru.pop_lru() else {
                        break;
                    };
                    inner.bytes = inner.bytes.saturating_sub(self::weight(&k));
                }
            }
        }
        Ok(prepared)
    }

    /// Documents kept and their weighted bytes.
    pub(crate) fn size(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|i| (i.lru.len(), i.bytes))
            .unwrap_or((0, 0))
    }
}

fn weight(text: &str) -> usize {
    text.len().saturating_mul(WEIGHT_PER_BYTE)
}

/// How a declared variable's value enters the key of a validation result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keyed {
    /// `String`, `ID`, `Boolean`, `Float` (in lists or not): the value's kind.
    Kind,
    /// Anything else: the whole value.
    Value,
}

/// A parsed document and the validation results measured on it.
pub(crate) struct Prepared {
    doc: ExecutableDocument,
    /// Every variable declared by any operation of the document (validation checks them all),
    /// sorted by name.
    declared: Vec<(String, Keyed)>,
    validated: Mutex<VecDeque<(Option<String>, String, Validated)>>,
    /// Whether its answers may hold planned JSON text (no two fields under one response key,
    /// see [`crate::graphql::json::merges_fields`]).
    raw_answers: bool,
}

impl Prepared {
    fn new(doc: ExecutableDocument) -> Self {
        let mut declared: HashMap<String, Keyed> = HashMap::new();
        for (_, op) in doc.operations.iter() {
            for def in &op.node.variable_definitions {
                let keyed = keyed(&def.node.var_type.node.base);
                let e = declared
                    .entry(def.node.name.node.to_string())
                    .or_insert(keyed);
                if keyed == Keyed::Value {
                    *e = Keyed::Value;
                }
            }
        }
        let mut declared: Vec<_> = declared.into_iter().collect();
        declared.sort_by(|a, b| a.0.cmp(&b.0));
        Prepared {
            raw_answers: !json::merges_fields(&doc),
            doc,
            declared,
            validated: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn doc(&self) -> &ExecutableDocument {
        &self.doc
    }

    /// Whether execution may answer with planned JSON text ([`json::RawAnswers`]).
    pub(crate) fn raw_answers(&self) -> bool {
        self.raw_answers
    }

    /// What validating this document for `operation` with `variables` measured, if it was
    /// validated (successfully) before with variables of the same key.
    pub(crate) fn validated(
        &self,
        operation: Option<&str>,
        variables: &Variables,
    ) -> Option<Validated> {
        let key = self.key(variables)?;
        let kept = self.validated.lock().ok()?;
        kept.iter()
            .find(|(op, k, _)| op.as_deref() == operation && *k == key)
            .map(|(_, _, v)| *v)
    }

    /// Keeps a successful validation of this document for `operation` with `variables`.
    pub(crate) fn remember(&self, operation: Option<&str>, variables: &Variables, v: Validated) {
        let Some(key) = self.key(variables) else {
            return;
        };
        if let Ok(mut kept) = self.validated.lock() {
            if kept
                .iter()
                .any(|(op, k, _)| op.as_deref() == operation && *k == key)
            {
                return;
            }
            if kept.len() >= MAX_VALIDATIONS {
                kept.pop_front();
            }
            kept.push_back((operation.map(str::to_owned), key, v));
        }
    }

    /// The key of `variables` for this document (see the module comment); `None` when it would
    /// be too long to keep.
    fn key(&self, variables: &Variables) -> Option<String> {
        let mut key = String::new();
        for (name, keyed) in &self.declared {
            key.push('$');
            key.push_str(name);
            key.push('=');
            match variables.get(name.as_str()) {
                None => key.push('-'),
                Some(v) if *keyed == Keyed::Kind => kind(v, &mut key),
                Some(v) => key.push_str(&v.to_string()),
            }
            key.push(';');
            if key.len() > MAX_KEY {
                return None;
            }
        }
        Some(key)
    }
}

fn keyed(base: &BaseType) -> Keyed {
    match base {
        BaseType::Named(n) if matches!(n.as_str(), "String" | "ID" | "Boolean" | "Float") => {
            Keyed::Kind
        }
        BaseType::Named(_) => Keyed::Value,
        BaseType::List(inner) => keyed(&inner.base),
    }
}

/// The kind of a value: what the built-in scalars' checks (and list lengths) depend on.
fn kind(v: &Value, key: &mut String) {
    match v {
        Value::Null => key.push('n'),
        Value::Boolean(_) => key.push('b'),
        Value::Number(n) if n.is_i64() => key.push('i'),
        Value::Number(_) => key.push('f'),
        Value::String(s) => {
            key.push('s');
            key.push_str(&s.len().to_string());
        }
        Value::List(items) => {
            key.push('[');
            for i in items {
                kind(i, key);
                key.push(',');
            }
            key.push(']');
        }
        // Never valid for these scalars; the whole value keeps it exact all the same.
        other => {
            key.push('=');
            key.push_str(&other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: serde_json::Value) -> Variables {
        Variables::from_json(v)
    }

    const V: Validated = Validated {
        complexity: 7,
        depth: 2,
    };

    #[test]
    fn bounded_by_entries_and_by_bytes() {
        let docs = Documents::new(3, MAX_BYTES);
        for i in 0..5 {
            docs.parse(&format!("{{ skills(first: {i}) {{ nodes {{ slug }} }} }}"))
                .expect("parses");
        }
        assert_eq!(docs.size().0, 3);
        // Room for two of these texts: the least recently used goes.
        let text = |i: usize| format!("{{ a{i}: info {{ version }} }}");
        let docs = Documents::new(100, 2 * weight(&text(0)));
        for i in 0..4 {
            docs.parse(&text(i)).expect("parses");
        }
        assert_eq!(docs.size(), (2, 2 * weight(&text(0))));
        // A document over the longest kept text is parsed, not kept.
        let long = format!("{{ {} }}", "info { version } ".repeat(MAX_TEXT / 16));
        let docs = Documents::default();
        assert!(docs.parse(&long).is_ok());
        assert_eq!(docs.size(), (0, 0));
        // Nor is a parse error.
        assert!(docs.parse("{ info { version }").is_err());
        assert_eq!(docs.size(), (0, 0));
    }

    #[test]
    fn the_same_text_is_the_same_entry_and_another_text_another() {
        let docs = Documents::default();
        let a = docs.parse("{ info { version } }").expect("parses");
        let b = docs.parse("{ info { version } }").expect("parses");
        let c = docs.parse("{ info { version }  }").expect("parses");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(docs.size().0, 2);
    }

    #[test]
    fn validations_are_kept_per_operation_and_variables_key() {
        let docs = Documents::default();
        let p = docs
            .parse(
                "query A($s: String!, $n: Int, $ids: [ID!]) { a: info { version } } \
                 query B { b: info { version } }",
            )
            .expect("parses");
        let base = vars(serde_json::json!({ "s": "abc", "n": 5, "ids": ["x", 1] }));
        p.remember(Some("A"), &base, V);
        assert_eq!(p.validated(Some("A"), &base), Some(V));
        // Another string of the same length, other ids of the same kinds: the same key.
        let same = vars(serde_json::json!({ "s": "xyz", "n": 5, "ids": ["y", 2], "extra": 1 }));
        assert_eq!(p.validated(Some("A"), &same), Some(V));
        // Everything that could change what validation says is another key.
        for other in [
            serde_json::json!({ "s": "abcd", "n": 5, "ids": ["x", 1] }),
            serde_json::json!({ "s": 1, "n": 5, "ids": ["x", 1] }),
            serde_json::json!({ "s": null, "n": 5, "ids": ["x", 1] }),
            serde_json::json!({ "n": 5, "ids": ["x", 1] }),
            serde_json::json!({ "s": "abc", "n": 6, "ids": ["x", 1] }),
            serde_json::json!({ "s": "abc", "n": "5", "ids": ["x", 1] }),
            serde_json::json!({ "s": "abc", "n": 5, "ids": ["x", 1.5] }),
            serde_json::json!({ "s": "abc", "n": 5, "ids": ["x"] }),
            serde_json::json!({ "s": "abc", "n": 5, "ids": "x" }),
            serde_json::json!({ "s": "abc", "n": 5, "ids": [{ "x": 1 }, 1] }),
        ] {
            assert_eq!(
                p.validated(Some("A"), &vars(other.clone())),
                None,
                "{other}"
            );
        }
        assert_eq!(p.validated(Some("B"), &base), None);
        assert_eq!(p.validated(None, &base), None);
    }

    #[test]
    fn validations_per_document_are_bounded() {
        let docs = Documents::default();
        let p = docs
            .parse("query($n: Int) { info { version } }")
            .expect("parses");
        for n in 0..(MAX_VALIDATIONS + 10) {
            p.remember(None, &vars(serde_json::json!({ "n": n })), V);
        }
        assert_eq!(
            p.validated.lock().map(|k| k.len()).ok(),
            Some(MAX_VALIDATIONS)
        );
        assert_eq!(
            p.validated(None, &vars(serde_json::json!({ "n": 0 }))),
            None
        );
        assert_eq!(
            p.validated(None, &vars(serde_json::json!({ "n": MAX_VALIDATIONS + 9 }))),
            Some(V)
        );
    }
}
