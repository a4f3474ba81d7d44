//! The records of a postings file, read one at a time: CSV, JSON Lines, or a JSON array.
use std::{
    io::{BufRead, Read},
    path::Path,
};

use serde_json::Value as Json;

use crate::error::{AppError, AppResult};

use super::{
    json_array,
    schema_org::{from_csv, from_schema_org},
    RawPosting,
};

/// One record and its position (`line N` or `index N`).
pub type Record = (String, AppResult<RawPosting>);

/// The longest JSON Lines record read; a longer line is rejected on its own.
const MAX_LINE_BYTES: u64 = 8 * 1024 * 1024;

/// The records of a postings file, read one at a time, so a file is never held whole: CSV
/// (`csv`) and JSON Lines, where a bad record (invalid UTF-8 included) rejects that record only,
/// with its position; and a JSON array (starts with `[`), read element by element, where a
/// syntax error ends the records with one rejection naming its index, line and column.
pub struct Records<R: std::io::BufRead> {
    inner: Inner<R>,
}

enum Inner<R: std::io::BufRead> {
    Csv {
        rdr: csv::Reader<R>,
        headers: csv::StringRecord,
        n: u64,
        done: bool,
    },
    Lines {
        r: R,
        line: u64,
        buf: Vec<u8>,
        done: bool,
    },
    Array(std::sync::mpsc::Receiver<Record>),
}

/// The first byte that is not white space (left unread), or `None` for an empty input.
fn first_byte<R: BufRead>(r: &mut R) -> AppResult<Option<u8>> {
    loop {
        let buf = r
            .fill_buf()
            .map_err(|e| AppError::Validation(format!("cannot read postings: {e}")))?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => return Ok(Some(buf[i])),
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    }
}

/// Opens a stream of records over a reader; `ext` is the file's extension, lowercase.
pub fn records<R>(mut r: R, ext: &str) -> AppResult<Records<R>>
where
    R: BufRead + Send + 'static,
{
    if ext == "csv" {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
        let headers = rdr
            .byte_headers()
            .map_err(|e| AppError::Validation(format!("bad CSV header: {e}")))?
            .clone();
        let headers = csv::StringRecord::from_byte_record(headers)
            .map_err(|e| AppError::Validation(format!("bad CSV header: {e}")))?;
        return Ok(Records {
            inner: Inner::Csv {
                rdr,
                headers,
                n: 0,
                done: false,
            },
        });
    }
    // The first byte that is not white space tells an array from JSON Lines.
    if first_byte(&mut r)? == Some(b'[') {
        return Ok(Records {
            inner: Inner::Array(json_array::spawn_records(r)),
        });
    }
    Ok(Records {
        inner: Inner::Lines {
            r,
            line: 0,
            buf: Vec::new(),
            done: false,
        },
    })
}

impl<R: std::io::BufRead> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        match &mut self.inner {
            Inner::Array(rx) => rx.recv().ok(),
            Inner::Csv {
                rdr,
                headers,
                n,
                done,
            } => {
                if *done {
                    return None;
                }
                let mut rec = csv::ByteRecord::new();
                *n += 1;
                match rdr.read_byte_record(&mut rec) {
                    Ok(false) => None,
                    Ok(true) => {
                        let line = rec.position().map(|p| p.line()).unwrap_or(*n + 1);
                        let pos = format!("line {line}");
                        match csv::StringRecord::from_byte_record(rec) {
                            Ok(rec) => Some((pos, from_csv(headers, &rec))),
                            Err(e) => Some((
                                pos,
                                Err(AppError::Validation(format!(
                                    "invalid UTF-8 in field {}",
                                    e.utf8_error().field() + 1
                                ))),
                            )),
                        }
                    }
                    Err(e) => {
                        if e.is_io_error() {
                            *done = true;
                        }
                        let line = e.position().map(|p| p.line()).unwrap_or(*n + 1);
                        Some((
                            format!("line {line}"),
                            Err(AppError::Validation(format!("bad CSV record: {e}"))),
                        ))
                    }
                }
            }
            Inner::Lines { r, line, buf, done } => loop {
                if *done {
                    return None;
                }
                buf.clear();
                let read = std::io::Read::by_ref(r)
                    .take(MAX_LINE_BYTES + 1)
                    .read_until(b'\n', buf);
                *line += 1;
                let pos = format!("line {line}");
                match read {
                    Ok(0) => return None,
                    Ok(_) if buf.len() as u64 > MAX_LINE_BYTES && !buf.ends_with(b"\n") => {
                        // Skip the rest of the over-long line.
                        let mut rest = Vec::new();
                        if r.read_until(b'\n', &mut rest).is_err() {
                            *done = true;
                        }
                        return Some((
                            pos,
                            Err(AppError::Validation(format!(
                                "record longer than {MAX_LINE_BYTES} bytes"
                            ))),
                        ));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        *done = true;
                        return Some((pos, Err(AppError::Validation(format!("cannot read: {e}")))));
                    }
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let rec = match std::str::from_utf8(buf) {
                    Err(e) => Err(AppError::Validation(format!(
                        "invalid UTF-8 at byte {} of the line",
                        e.valid_up_to() + 1
                    ))),
                    Ok(text) => serde_json::from_str::<Json>(text)
                        .map_err(|e| AppError::Validation(format!("bad JSON: {e}")))
                        .and_then(|v| from_schema_org(&v)),
                };
                return Some((pos, rec));
            },
        }
    }
}

/// The records of a file, streamed (see [`Records`]). A JSON array is checked whole first
/// (reading it once more, keeping nothing), so one that breaks off midway is refused, with its
/// position, before any record is written.
pub fn read_records(path: &Path) -> AppResult<Records<std::io::BufReader<std::fs::File>>> {
    let open = || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|e| AppError::Validation(format!("cannot read {}: {e}", path.display())))
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut r = open()?;
    if ext != "csv" && first_byte(&mut r)? == Some(b'[') {
        json_array::check(open()?).map_err(|b| {
            AppError::Validation(format!(
                "{}: nothing imported: {}",
                path.display(),
                b.into_error().detail()
            ))
        })?;
    }
    records(r, &ext)
}

/// Parses text as CSV (`csv`), a JSON array (starts with `[`) or JSON Lines.
pub fn parse_records(data: &str, ext: &str) -> AppResult<Vec<Record>> {
    Ok(records(std::io::Cursor::new(data.as_bytes().to_vec()), ext)?.collect())
}
