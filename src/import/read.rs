//! Streaming readers over the source files (CSV for ESCO, tab-separated text for O*NET): one
//! record at a time, header columns by name, every error naming the file and the line, and a
//! byte progress bar that indicatif hides when stderr is not a terminal.
use std::{
    collections::HashMap,
    fs::File,
    io::Read,
    path::{Path, PathBuf},
};

use csv::StringRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::{AppError, AppResult};

/// The format of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV: quoted fields may hold commas and newlines (ESCO).
    Csv,
    /// Tab-separated, no quoting: a `"` is an ordinary character (O*NET).
    Tsv,
}

/// An open source file: its records, its header, and where we are in it.
pub struct SourceFile {
    name: String,
    reader: csv::Reader<Box<dyn Read>>,
    cols: HashMap<String, usize>,
    bar: ProgressBar,
    started: std::time::Instant,
    records: u64,
    /// The line the record just read starts on.
    line: u64,
    /// 1 when lines end with CRLF: the csv crate counts the LF of a record's CRLF when it reads
    /// the next record, so its line numbers are one short there.
    lag: u64,
}

/// Whether the first line of a file ends with CRLF.
fn ends_with_crlf(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(4096);
    let mut buf = [0u8; 4096];
    let mut input = file.take(1 << 20);
    while let Ok(n) = input.read(&mut buf) {
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(i) = head.iter().position(|b| *b == b'\n') {
            return i > 0 && head[i - 1] == b'\r';
        }
    }
    false
}

/// A release folder being searched for its files: the files it lacks are either an error
/// (required) or a note in the import report (optional).
pub struct ReleaseDir<'a> {
    dir: &'a Path,
    pub notes: Vec<String>,
}

impl<'a> ReleaseDir<'a> {
    /// Refuses a path that is not a folder.
    pub fn open(dir: &'a Path) -> AppResult<Self> {
        if !dir.is_dir() {
            return Err(AppError::Validation(format!(
                "{} is not a folder",
                dir.display()
            )));
        }
        Ok(Self {
            dir,
            notes: Vec::new(),
        })
    }

    /// `DIR/name` when it is a file.
    pub fn file(&self, name: &str) -> Option<PathBuf> {
        Some(self.dir.join(name)).filter(|p| p.is_file())
    }

    /// `DIR/name`, or a validation error naming the folder and the file.
    pub fn required(&self, name: &str) -> AppResult<PathBuf> {
        self.file(name)
            .ok_or_else(|| AppError::Validation(format!("{} has no {name}", self.dir.display())))
    }

    /// `DIR/name`, or `None` with a note that the file was skipped.
    pub fn optional(&mut self, name: &str) -> Option<PathBuf> {
        let found = self.file(name);
        if found.is_none() {
            self.notes.push(format!("no {name}: skipped"));
        }
        found
    }
}

impl SourceFile {
    pub fn open(path: &Path, format: Format, progress: bool) -> AppResult<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let file = File::open(path)
            .map_err(|e| AppError::Validation(format!("cannot open {}: {e}", path.display())))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = if progress {
            let b = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{msg:32} [{bar:30}] {bytes:>10}/{total_bytes:10} {eta}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b.set_message(name.clone());
            b
        } else {
            ProgressBar::hidden()
        };
        let input: Box<dyn Read> = Box::new(bar.wrap_read(file));
        let mut builder = csv::ReaderBuilder::new();
        builder.has_headers(true).buffer_capacity(1 << 16);
        if format == Format::Tsv {
            builder.delimiter(b'\t').quoting(false);
        }
        let mut reader = builder.from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(&name, 1, e))?
            .clone();
        let cols = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_owned(), i))
            .collect();
        Ok(SourceFile {
            name,
            reader,
            cols,
            bar,
            started: std::time::Instant::now(),
            records: 0,
            line: 1,
            lag: u64::from(ends_with_crlf(path)),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The index of a column the file must have.
    pub fn col(&self, header: &str) -> AppResult<usize> {
        self.cols.get(header).copied().ok_or_else(|| {
            AppError::Validation(format!("{} line 1: missing column '{header}'", self.name))
        })
    }

    /// The index of a column the file may have.
    pub fn opt_col(&self, header: &str) -> Option<usize> {
        self.cols.get(header).copied()
    }

    /// The line the record just read starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Reads the next record into `rec`; false at the end of the file.
    pub fn next(&mut self, rec: &mut StringRecord) -> AppResult<bool> {
        match self.reader.read_record(rec) {
            Ok(more) => {
                if more {
                    self.records += 1;
                    self.line = line(rec) + self.lag;
                } else {
                    self.bar.finish_and_clear();
                    tracing::debug!(
                        file = %self.name,
                        records = self.records,
                        secs = self.started.elapsed().as_secs_f64(),
                        "read"
                    );
                }
                Ok(more)
            }
            Err(e) => {
                self.bar.abandon();
                let at = e.position().map(|p| p.line()).unwrap_or(0);
                Err(csv_error(&self.name, at + self.lag, e))
            }
        }
    }

    /// An error about the record just read.
    pub fn invalid(&self, _rec: &StringRecord, msg: impl std::fmt::Display) -> AppError {
        AppError::Validation(format!("{} line {}: {msg}", self.name, self.line))
    }

    /// Field `i` of the record, cleaned; empty is an error naming `what`.
    pub fn required(&self, rec: &StringRecord, i: usize, what: &str) -> AppResult<String> {
        let v = clean(field(rec, i));
        if v.is_empty() {
            return Err(self.invalid(rec, format!("empty {what}")));
        }
        Ok(v)
    }
}

/// The line the csv reader says a record starts on (see [`SourceFile::line`]).
fn line(rec: &StringRecord) -> u64 {
    rec.position().map(|p| p.line()).unwrap_or(0)
}

fn csv_error(file: &str, line: u64, e: csv::Error) -> AppError {
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("malformed row: {len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "malformed row: not valid UTF-8".to_owned(),
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        _ => format!("malformed row: {e}"),
    };
    AppError::Validation(format!("{file} line {line}: {what}"))
}

/// A field, trimmed, inner runs of whitespace (no-break spaces, newlines) made one space.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A field that may be empty.
pub fn opt(s: &str) -> Option<String> {
    let c = clean(s);
    (!c.is_empty()).then_some(c)
}

/// A longer text (a description): trimmed, line ends made `\n`, inner lines kept.
pub fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.replace("\r\n", "\n"))
}

/// Field `i` of a record ("" when the record is shorter, which the reader already refuses).
pub fn field(rec: &StringRecord, i: usize) -> &str {
    rec.get(i).unwrap_or("")
}

/// Several labels in one field, one per line (ESCO altLabels), cleaned, without duplicates.
pub fn labels(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in s.lines() {
        let c = clean(l);
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_the_file_whatever_the_line_ends() {
        for (eol, name) in [("\r\n", "crlf.csv"), ("\n", "lf.csv")] {
            let dir = std::env::temp_dir().join(format!("sg-lines-{}", std::process::id()));
            std::fs::create_dir_all(&dir).ok();
            let path = dir.join(name);
            // (Blank lines are skipped by the reader and may shift CRLF numbering: ESCO and
            // O*NET files have none.)
            let text = ["a,b", "1,\"x\ny\"", "2,z", "3"].join(eol) + eol;
            std::fs::write(&path, text).ok();
            let mut f = SourceFile::open(&path, Format::Csv, false).expect("open");
            let mut rec = StringRecord::new();
            assert!(f.next(&mut rec).expect("row 1"));
            assert_eq!(f.line(), 2, "{name}");
            assert!(f.next(&mut rec).expect("row 2"));
            assert_eq!(f.line(), 4, "{name}");
            let err = f.next(&mut rec).expect_err("short row");
            assert!(
                err.detail().starts_with(&format!("{name} line 5:")),
                "{}",
                err.detail()
            );
            std::fs::remove_dir_all(&dir).ok();
        }
    }

    #[test]
    fn cleans_labels() {
        assert_eq!(clean("  a\u{a0}b \n c "), "a b c");
        assert_eq!(labels("x\r\ny\n\nx\n"), vec!["x", "y"]);
        assert_eq!(opt(" "), None);
    }
}
