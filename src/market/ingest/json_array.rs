//! A JSON array of postings read one element at a time: serde_json's `Deserializer` over the
//! reader with a `SeqAccess` visitor, so only the element being read is in memory (at most
//! [`MAX_ELEMENT_BYTES`] of it). A syntax error cannot be skipped (the next element's start is
//! unknown): reading stops there, with the element's index and serde_json's line and column.
use std::{cell::Cell, fmt, io::Read, marker::PhantomData, sync::mpsc};

use serde::de::{DeserializeOwned, Deserializer as _, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value as Json;

use crate::error::AppError;

use super::{records::Record, schema_org::from_schema_org};

/// The longest element read; a longer one stops the array like a syntax error.
pub(super) const MAX_ELEMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Where and why an array could not be read on.
pub(super) struct Broken {
    index: usize,
    error: serde_json::Error,
}

impl Broken {
    pub(super) fn position(&self) -> String {
        format!("index {}", self.index)
    }

    /// serde_json's message names the line and column, never echoes the input.
    pub(super) fn reason(&self) -> String {
        format!("bad JSON: {}", self.error)
    }

    pub(super) fn into_error(self) -> AppError {
        AppError::Validation(format!("{}: {}", self.position(), self.reason()))
    }
}

/// Reads the array from `r` (its `[` not yet consumed), handing each element to
/// `each(index, element)`, which returns false to stop early. Returns the elements read.
pub(super) fn for_each<R: Read, T: DeserializeOwned>(
    r: R,
    mut each: impl FnMut(usize, T) -> bool,
) -> Result<usize, Broken> {
    let read = Cell::new(0u64);
    let start = Cell::new(0u64);
    let index = Cell::new(0usize);
    let stopped = Cell::new(false);
    let mut de = serde_json::Deserializer::from_reader(Capped {
        inner: r,
        read: &read,
        start: &start,
    });
    let visitor = Elements {
        each: &mut each,
        read: &read,
        start: &start,
        index: &index,
        stopped: &stopped,
        _t: PhantomData::<T>,
    };
    let result = (&mut de).deserialize_seq(visitor).and_then(|()| de.end());
    match result {
        Ok(()) => Ok(index.get()),
        // The consumer went away: not an error of the file.
        Err(_) if stopped.get() => Ok(index.get()),
        Err(error) => Err(Broken {
            index: index.get(),
            error,
        }),
    }
}

/// Checks that the whole array is well-formed JSON without keeping any of it: the count of
/// elements, or where it breaks.
pub(super) fn check<R: Read>(r: R) -> Result<usize, Broken> {
    for_each::<_, IgnoredAny>(r, |_, _| true)
}

/// The array's elements as records, read on a thread of their own into a bounded channel (the
/// visitor pushes, the importer pulls); a syntax error ends the records with one rejection
/// carrying its position.
pub(super) fn spawn_records<R: Read + Send + 'static>(r: R) -> mpsc::Receiver<Record> {
    let (tx, rx) = mpsc::sync_channel::<Record>(64);
    let on_failure = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("postings-json".into())
        .spawn(move || {
            let read = for_each::<_, Json>(r, |i, v| {
                tx.send((format!("index {i}"), from_schema_org(&v))).is_ok()
            });
            if let Err(broken) = read {
                let _ = tx.send((
                    broken.position(),
                    Err(AppError::Validation(broken.reason())),
                ));
            }
        });
    if let Err(e) = spawned {
        let _ = on_failure.send((
            "index 0".to_owned(),
            Err(AppError::Internal(format!(
                "cannot start the JSON reader: {e}"
            ))),
        ));
    }
    rx
}

/// Calls back for each element, counting the bytes each one takes.
struct Elements<'a, T, F> {
    each: &'a mut F,
    read: &'a Cell<u64>,
    start: &'a Cell<u64>,
    index: &'a Cell<usize>,
    stopped: &'a Cell<bool>,
    _t: PhantomData<T>,
}

impl<'de, T, F> Visitor<'de> for Elements<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(usize, T) -> bool,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of JobPosting objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.start.set(self.read.get());
            let Some(v) = seq.next_element::<T>()? else {
                return Ok(());
            };
            if !(self.each)(self.index.get(), v) {
                self.stopped.set(true);
                return Err(serde::de::Error::custom("stopped"));
            }
            self.index.set(self.index.get() + 1);
        }
    }
}

/// A reader that counts what it hands out and fails once one element passes
/// [`MAX_ELEMENT_BYTES`], so a huge element cannot fill the memory.
struct Capped<'a, R> {
    inner: R,
    read: &'a Cell<u64>,
    start: &'a Cell<u64>,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.get() - self.start.get() > MAX_ELEMENT_BYTES {
            return Err(std::io::Error::other(format!(
                "a record longer than {MAX_ELEMENT_BYTES} bytes"
            )));
        }
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> (Vec<(usize, String)>, Option<String>) {
        let mut seen = Vec::new();
        let r = for_each::<_, Json>(text.as_bytes(), |i, v| {
            seen.push((i, v["title"].as_str().unwrap_or("?").to_owned()));
            true
        });
        (
            seen,
            r.err().map(|b| format!("{}: {}", b.position(), b.reason())),
        )
    }

    #[test]
    fn reads_elements_in_order_and_stops_at_a_syntax_error() {
        let (seen, err) = titles(r#" [ {"title":"a"}, {"title":"b"} ] "#);
        assert_eq!(seen, vec![(0, "a".into()), (1, "b".into())]);
        assert_eq!(err, None);
        let (seen, err) = titles("[{\"title\":\"a\"},\n{\"title\":\"b\",,},\n{\"title\":\"c\"}]");
        assert_eq!(seen, vec![(0, "a".into())]);
        let err = err.unwrap_or_default();
        assert!(err.starts_with("index 1: bad JSON: "), "{err}");
        assert!(err.contains("line 2 column"), "{err}");
        let (_, err) = titles(r#"[{"title":"a"}] trailing"#);
        assert!(err.is_some_and(|e| e.contains("trailing")));
        assert_eq!(check("[]".as_bytes()).ok(), Some(0));
        assert_eq!(check("[1, {\"a\": [true]}, null]".as_bytes()).ok(), Some(3));
    }

    #[test]
    fn an_element_over_the_cap_stops_the_array() {
        let big = "x".repeat(MAX_ELEMENT_BYTES as usize + 10);
        let text = format!(r#"[{{"title":"a"}}, {{"title":"{big}"}}]"#);
        let b = check(text.as_bytes()).err().map(|b| (b.index, b.reason()));
        let (index, reason) = b.unwrap_or_default();
        assert_eq!(index, 1);
        assert!(reason.contains("longer than"), "{reason}");
    }
}
