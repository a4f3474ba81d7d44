//! Answers written as JSON text, and the one value that is JSON already.
//!
//! A planned connection (see `types::connection::plan`) writes its whole subtree as JSON text
//! while it builds it, instead of a tree of [`Value`]s that is then serialised and dropped:
//! on Q1 (roles → skills → broader, ~4,200 objects) the tree cost a quarter of the server's
//! instructions, an `IndexMap` hashed with SipHash per object. The text travels up to the
//! response as [`Value::Binary`], which nothing else in the schema produces, and
//! [`write_response`] copies it into the body as it is. async-graphql merges the values of two
//! fields under one response key, which it cannot do with text: an answer is written as text
//! only when the HTTP layer says, with [`RawAnswers`] in the request's data, that the document
//! has no such fields ([`merges_fields`]); elsewhere (WebSocket, tests calling the schema) the
//! text is read back into a [`Value`].
use std::{
    collections::{hash_map::Entry, HashMap, HashSet},
    io::{self, Write},
};

use async_graphql::{
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    Name, Positioned, Response, Value,
};

/// In a request's data: its answers may hold JSON text ([`Value::Binary`]), which the HTTP
/// body writer copies as it is. Set only for documents where [`merges_fields`] is false.
#[derive(Clone, Copy, Debug)]
pub struct RawAnswers;

/// Writes `value` as JSON, as serde_json writes a [`Value`], except that [`Value::Binary`] is
/// JSON text already and is copied as it is.
pub fn write_value<W: Write>(out: &mut W, value: &Value) -> io::Result<()> {
    match value {
        Value::Null => out.write_all(b"null"),
        Value::Boolean(true) => out.write_all(b"true"),
        Value::Boolean(false) => out.write_all(b"false"),
        Value::Number(n) => write_serde(out, n),
        Value::String(s) => write_serde(out, s.as_str()),
        Value::Enum(e) => write_serde(out, e.as_str()),
        Value::Binary(raw) => out.write_all(raw),
        Value::List(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_value(out, item)?;
            }
            out.write_all(b"]")
        }
        Value::Object(map) => {
            out.write_all(b"{")?;
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_key(out, key)?;
                write_value(out, item)?;
            }
            out.write_all(b"}")
        }
    }
}

/// `"key":` (GraphQL names need no escaping: letters, digits and `_`). Planned connections write
/// their keys with it too.
pub fn write_key<W: Write>(out: &mut W, key: &Name) -> io::Result<()> {
    out.write_all(b"\"")?;
    out.write_all(key.as_bytes())?;
    out.write_all(b"\":")
}

fn write_serde<W: Write, T: serde::Serialize + ?Sized>(out: &mut W, v: &T) -> io::Result<()> {
    serde_json::to_writer(out, v).map_err(io::Error::from)
}

/// A response as async-graphql serialises it (`data`, then `extensions` and `errors` when
/// there are any), with the JSON text of planned answers copied as it is.
pub fn write_response<W: Write>(out: &mut W, resp: &Response) -> io::Result<()> {
    out.write_all(b"{\"data\":")?;
    write_value(out, &resp.data)?;
    if !resp.extensions.is_empty() {
        out.write_all(b",\"extensions\":")?;
        write_serde(out, &resp.extensions)?;
    }
    if !resp.errors.is_empty() {
        out.write_all(b",\"errors\":")?;
        write_serde(out, &resp.errors)?;
    }
    out.write_all(b"}")
}

/// Reads JSON text written by a planned connection back into a [`Value`] (for answers that
/// may not hold text).
pub fn read_value(text: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice(text)
}

/// Whether executing `doc` can merge two fields' values under one response key: some
/// selection set, with its fragments spread in place whatever their type condition, selects
/// one key twice, other than a leaf field with no arguments selected again the same way, or
/// spreads one fragment twice. (Conservative: fragments on other types are counted too.)
///
/// It runs on every document the server parses, before validation and its limits, so it never
/// expands fragments into the fields they reach: each selection set written in the document
/// (in an operation or a fragment's definition) is checked once, with the fragments it spreads
/// gathered at its own level only, each fragment once. A document of fragments that each spread
/// the next one twice costs what its text does.
pub fn merges_fields(doc: &ExecutableDocument) -> bool {
    doc.operations
        .iter()
        .map(|(_, op)| &op.node.selection_set)
        .chain(doc.fragments.values().map(|f| &f.node.selection_set))
        .any(|set| merges_in(doc, set, 0))
}

/// Deeper than any document the server accepts (depth limit), and a stop for fragment cycles,
/// which validation refuses later: such a document counts as merging.
const MAX_DEPTH: usize = 64;

type Field = async_graphql::parser::types::Field;

/// Whether `set` or a selection set written inside it merges fields.
fn merges_in(doc: &ExecutableDocument, set: &Positioned<SelectionSet>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let mut keys: HashMap<&Name, &Positioned<Field>> = HashMap::new();
    let mut spread: HashSet<&Name> = HashSet::new();
    if collect(doc, set, &mut keys, &mut spread, 0) {
        return true;
    }
    // The selections of the fields written here; those of fields a named fragment brings are
    // checked with the fragment's definition.
    let mut own = Vec::new();
    written_fields(set, &mut own, 0);
    own.iter()
        .any(|f| merges_in(doc, &f.node.selection_set, depth + 1))
}

/// The fields of `set` with fragments spread, into `keys`; true when a key repeats, a fragment
/// is spread twice, or the spreading goes too deep.
fn collect<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    keys: &mut HashMap<&'a Name, &'a Positioned<Field>>,
    spread: &mut HashSet<&'a Name>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    for item in &set.node.items {
        let repeated = match &item.node {
            Selection::Field(f) => match keys.entry(&f.node.response_key().node) {
                Entry::Vacant(e) => {
                    e.insert(f);
                    false
                }
                Entry::Occupied(e) => !same_leaf(f, e.get()),
            },
            Selection::FragmentSpread(s) => {
                let name = &s.node.fragment_name.node;
                if !spread.insert(name) {
                    return true;
                }
                match doc.fragments.get(name) {
                    Some(fragment) => {
                        collect(doc, &fragment.node.selection_set, keys, spread, depth + 1)
                    }
                    None => false,
                }
            }
            Selection::InlineFragment(f) => {
                collect(doc, &f.node.selection_set, keys, spread, depth + 1)
            }
        };
        if repeated {
            return true;
        }
    }
    false
}

/// The fields written in `set` itself or in its inline fragments (not those named fragments
/// bring), into `out`.
fn written_fields<'a>(
    set: &'a Positioned<SelectionSet>,
    out: &mut Vec<&'a Positioned<Field>>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) => out.push(f),
            Selection::InlineFragment(f) => written_fields(&f.node.selection_set, out, depth + 1),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// One leaf field (no arguments, no selection) selected twice under its own name: async-graphql
/// keeps one value.
pub fn same_leaf(f: &Positioned<Field>, g: &Positioned<Field>) -> bool {
    let leaf = |f: &Positioned<Field>| {
        f.node.arguments.is_empty() && f.node.selection_set.node.items.is_empty()
    };
    f.node.name.node == g.node.name.node && leaf(f) && leaf(g)
}

#[cfg(test)]
mod tests {
    use async_graphql::{indexmap::IndexMap, parser::parse_query, ServerError};

    use super::*;

    fn text(resp: &Response) -> String {
        let mut out = Vec::new();
        write_response(&mut out, resp).expect("a Vec takes every write");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    #[test]
    fn writes_what_serde_writes() {
        let mut inner = IndexMap::new();
        inner.insert(Name::new("z"), Value::from(1.25));
        inner.insert(Name::new("a"), Value::Enum(Name::new("ESSENTIAL")));
        inner.insert(
            Name::new("s"),
            Value::String("quote \" slash \\ tab \t nul \u{0} é ✓".into()),
        );
        let mut map = IndexMap::new();
        map.insert(Name::new("n"), Value::from(-7));
        map.insert(Name::new("b"), Value::Boolean(false));
        map.insert(Name::new("t"), Value::Boolean(true));
        map.insert(Name::new("null"), Value::Null);
        map.insert(
            Name::new("list"),
            Value::List(vec![Value::Object(inner), Value::List(vec![])]),
        );
        map.insert(Name::new("empty"), Value::Object(IndexMap::new()));
        let plain = Response::new(Value::Object(map));
        assert_eq!(
            text(&plain),
            serde_json::to_string(&plain).expect("serialises")
        );
        let mut full = Response::new(plain.data.clone());
        full.errors.push(ServerError::new("boom", None));
        full.extensions.insert("cost".into(), Value::from(3));
        assert_eq!(
            text(&full),
            serde_json::to_string(&full).expect("serialises")
        );
    }

    #[test]
    fn copies_json_text_as_it_is() {
        let mut map = IndexMap::new();
        map.insert(
            Name::new("roles"),
            Value::Binary(br#"{"nodes":[{"name":"A \"b\""}]}"#.to_vec().into()),
        );
        let resp = Response::new(Value::Object(map));
        assert_eq!(
            text(&resp),
            r#"{"data":{"roles":{"nodes":[{"name":"A \"b\""}]}}}"#
        );
    }

    fn merges(q: &str) -> bool {
        merges_fields(&parse_query(q).expect("parses"))
    }

    #[test]
    fn finds_fields_merged_under_one_key() {
        // Distinct keys, aliases, a leaf repeated: nothing to merge.
        assert!(!merges(
            "{ roles { nodes { name name id } } skills { nodes { name } } }"
        ));
        assert!(!merges(
            "{ a: roles(first: 1) { nodes { name } } b: roles { nodes { id } } }"
        ));
        assert!(!merges(
            "query { ...F } fragment F on Query { roles { nodes { ...G } } } fragment G on Role { name }"
        ));
        // One key twice, at the root, nested, through fragments and inline fragments.
        assert!(merges(
            "{ roles { nodes { name } } roles { nodes { id } } }"
        ));
        assert!(merges(
            "{ roles { nodes { skills { nodes { id } } skills { nodes { name } } } } }"
        ));
        assert!(merges(
            "{ roles { nodes { name } } ...F } fragment F on Query { roles { nodes { id } } }"
        ));
        assert!(merges(
            "{ roles { nodes { name ... on Role { name: slug } } } }"
        ));
        assert!(merges("{ roles { nodes { ... on Role { skills { nodes { id } } } skills { nodes { id } } } } }"));
        // A leaf with arguments twice is not one value.
        assert!(merges(
            "{ role(by: { slug: \"a\" }) { name } role(by: { slug: \"b\" }) { name } }"
        ));
        // A fragment that spreads itself (validation refuses it later) ends.
        assert!(merges("{ ...F } fragment F on Query { ...F }"));
        // One fragment spread twice in one set, directly or through another.
        assert!(merges(
            "{ ...F ...F } fragment F on Query { roles { nodes { id } } }"
        ));
        assert!(merges(
            "{ ...F ...G } fragment F on Query { ...G } fragment G on Query { __typename }"
        ));
    }

    /// Fragments that each reach the next one through two fields describe 2^30 selections;
    /// the check reads the text once (it runs before validation and its limits).
    #[test]
    fn fragments_are_not_expanded() {
        let mut q = String::from("{ skills { nodes { ...F0 } } }");
        for i in 0..30 {
            q.push_str(&format!(
                " fragment F{i} on Skill {{ broader {{ nodes {{ ...F{n} }} }} narrower {{ nodes {{ ...F{n} }} }} }}",
                n = i + 1
            ));
        }
        q.push_str(" fragment F30 on Skill { name }");
        let doc = parse_query(&q).expect("parses");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(merges_fields(&doc));
        });
        let merged = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the check ends without expanding the fragments");
        assert!(!merged);
    }
}
