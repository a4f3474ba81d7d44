//! Ingestion of job postings: schema.org `JobPosting` objects as JSON Lines or a JSON array, or
//! CSV with a header row (columns in the README). Each record is parsed, resolved against the
//! catalog and written in its own transaction: a bad record is reported with its position and
//! the rest go on. Idempotent on (source, external id).
use std::{
    collections::HashMap,
    io::{BufRead, Read},
    path::Path,
};

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value as Json;

use crate::{
    db::stmt,
    error::{AppError, AppResult},
    market::{
        extract::{Extractor, Kind},
        feed::Feed,
        postings::{self, NewPosting, Outcome, Period, Salary, Workplace},
    },
};

/// A record as read, before it is resolved against the catalog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawPosting {
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub workplace: Option<String>,
    pub employment_type: Option<String>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub salary_currency: Option<String>,
    pub salary_period: Option<String>,
    pub date_posted: Option<String>,
    pub valid_through: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    /// An O*NET-SOC code, a role name or slug.
    pub role: Option<String>,
    pub required_skills: Vec<String>,
    pub preferred_skills: Vec<String>,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub read: usize,
    pub inserted: usize,
    pub updated: usize,
    pub rejected: usize,
    /// (position, reason) of each rejected record: `line N` or `index N`.
    pub errors: Vec<(String, String)>,
    /// Listed skills the catalog does not know (ignored).
    pub unknown_skills: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "read {}, inserted {}, updated {}, rejected {}",
            self.read, self.inserted, self.updated, self.rejected
        )?;
        if self.unknown_skills > 0 {
            write!(f, " ({} unknown skill labels ignored)", self.unknown_skills)?;
        }
        Ok(())
    }
}

/// Tags removed, block ends as line breaks, common entities decoded, blank runs collapsed.
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            let mut tag = String::new();
            for t in chars.by_ref() {
                if t == '>' {
                    break;
                }
                tag.push(t);
            }
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            // Block elements end a line, cells a word; inline ones (b, i, span…) vanish.
            if matches!(
                name.as_str(),
                "br" | "p" | "div" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "tr"
            ) {
                out.push('\n');
            } else if matches!(name.as_str(), "td" | "th") {
                out.push(' ');
            }
        } else if c == '&' {
            let mut ent = String::new();
            while let Some(&n) = chars.peek() {
                if n == ';' || ent.len() > 8 || n.is_whitespace() {
                    break;
                }
                ent.push(n);
                chars.next();
            }
            let decoded = match ent.as_str() {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            match decoded {
                Some(d) if chars.peek() == Some(&';') => {
                    chars.next();
                    out.push(d);
                }
                _ => {
                    out.push('&');
                    out.push_str(&ent);
                }
            }
        } else {
            out.push(c);
        }
    }
    // Collapse spaces within lines, and blank lines.
    let lines: Vec<String> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

fn text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Json::Number(n) => Some(n.to_string()),
        Json::Object(o) => o
            .get("value")
            .or_else(|| o.get("name"))
            .or_else(|| o.get("codeValue"))
            .and_then(text),
        Json::Array(a) => a.first().and_then(text),
        _ => None,
    }
}

fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
}

/// A list of labels: an array of strings, or one string separated by `,` or `;`.
fn labels(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(text).collect(),
        Some(Json::String(s)) => s
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn first(v: Option<&Json>) -> Option<&Json> {
    match v {
        Some(Json::Array(a)) => a.first(),
        other => other,
    }
}

/// Reads one schema.org `JobPosting` object.
pub fn from_schema_org(v: &Json) -> AppResult<RawPosting> {
    let o = v
        .as_object()
        .ok_or_else(|| AppError::Validation("a JobPosting must be a JSON object".into()))?;
    if let Some(t) = o.get("@type").and_then(Json::as_str) {
        if t != "JobPosting" {
            return Err(AppError::Validation(format!(
                "@type is '{t}', expected JobPosting"
            )));
        }
    }
    let g = |k: &str| o.get(k).and_then(text);
    let mut r = RawPosting {
        external_id: o.get("identifier").and_then(text).or_else(|| g("url")),
        title: g("title"),
        company: o
            .get("hiringOrganization")
            .and_then(|h| h.get("name").and_then(text).or_else(|| text(h))),
        employment_type: first(o.get("employmentType")).and_then(text),
        date_posted: g("datePosted"),
        valid_through: g("validThrough"),
        url: g("url"),
        description: o.get("description").and_then(Json::as_str).map(strip_html),
        role: o.get("occupationalCategory").and_then(|c| match c {
            Json::Object(m) => m.get("codeValue").or_else(|| m.get("name")).and_then(text),
            other => text(other),
        }),
        required_skills: labels(o.get("skills")),
        preferred_skills: labels(o.get("preferredSkills")),
        ..Default::default()
    };
    if let Some(addr) = first(o.get("jobLocation")).and_then(|l| l.get("address")) {
        r.city = addr.get("addressLocality").and_then(text);
        r.region = addr.get("addressRegion").and_then(text);
        r.country = addr.get("addressCountry").and_then(text);
    }
    if let Some(lt) = first(o.get("jobLocationType")).and_then(text) {
        if lt.eq_ignore_ascii_case("TELECOMMUTE") {
            r.workplace = Some("remote".into());
        }
    }
    if r.workplace.is_none() {
        r.workplace = g("workplace");
    }
    if let Some(sal) = o.get("baseSalary") {
        r.salary_currency = sal.get("currency").and_then(text);
        match sal.get("value") {
            Some(val @ Json::Object(q)) => {
                r.salary_min = q.get("minValue").and_then(number);
                r.salary_max = q.get("maxValue").and_then(number);
                if r.salary_min.is_none() && r.salary_max.is_none() {
                    let one = q.get("value").and_then(number);
                    r.salary_min = one;
                    r.salary_max = one;
                }
                r.salary_period = val.get("unitText").and_then(text);
            }
            Some(other) => {
                r.salary_min = number(other);
                r.salary_max = r.salary_min;
            }
            None => {}
        }
        if r.salary_period.is_none() {
            r.salary_period = sal.get("unitText").and_then(text);
        }
    }
    Ok(r)
}

/// The CSV columns, in the README's order; `required_skills`/`preferred_skills` are `;`-separated.
pub const CSV_COLUMNS: &[&str] = &[
    "external_id",
    "title",
    "company",
    "city",
    "region",
    "country",
    "workplace",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "date_posted",
    "valid_through",
    "url",
    "role",
    "required_skills",
    "preferred_skills",
    "description",
];

fn from_csv(headers: &csv::StringRecord, rec: &csv::StringRecord) -> AppResult<RawPosting> {
    let mut m: HashMap<&str, &str> = HashMap::new();
    for (h, v) in headers.iter().zip(rec.iter()) {
        m.insert(h.trim(), v.trim());
    }
    let s = |k: &str| m.get(k).filter(|v| !v.is_empty()).map(|v| (*v).to_owned());
    let n = |k: &str| -> AppResult<Option<f64>> {
        match m.get(k).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .replace(',', "")
                .parse()
                .map(Some)
                .map_err(|_| AppError::Validation(format!("{k} '{v}' is not a number"))),
        }
    };
    let list = |k: &str| {
        m.get(k)
            .map(|v| {
                v.split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(RawPosting {
        external_id: s("external_id"),
        title: s("title"),
        company: s("company"),
        city: s("city"),
        region: s("region"),
        country: s("country"),
        workplace: s("workplace"),
        employment_type: s("employment_type"),
        salary_min: n("salary_min")?,
        salary_max: n("salary_max")?,
        salary_currency: s("salary_currency"),
        salary_period: s("salary_period"),
        date_posted: s("date_posted"),
        valid_through: s("valid_through"),
        url: s("url"),
        description: s("description").map(|d| strip_html(&d)),
        role: s("role"),
        required_skills: list("required_skills"),
        preferred_skills: list("preferred_skills"),
    })
}

/// An ISO date, or the date part of an ISO date-time.
pub fn parse_date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let d = s.trim();
    let d = d.get(..10).unwrap_or(d);
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map_err(|_| AppError::Validation(format!("{field} '{s}' is not an ISO date")))
}

/// The catalog's roles, to match `occupationalCategory` by O*NET-SOC code, name or slug.
#[derive(Default)]
pub struct RoleIndex {
    by_key: HashMap<String, i64>,
}

impl RoleIndex {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<RoleIndex> {
        let rows = db
            .query_all_raw(stmt(
                db.get_database_backend(),
                "SELECT id, slug, name, onet_soc_code FROM role ORDER BY id",
                vec![],
            ))
            .await?;
        let mut by_key = HashMap::new();
        for r in &rows {
            let id: i64 = r.try_get("", "id")?;
            let slug: String = r.try_get("", "slug")?;
            let name: String = r.try_get("", "name")?;
            by_key.insert(slug.to_lowercase(), id);
            by_key.insert(name.to_lowercase(), id);
            if let Some(code) = r.try_get::<Option<String>>("", "onet_soc_code")? {
                // Several roles may share a code: the oldest (lowest id) is its role.
                by_key.entry(code.to_lowercase()).or_insert(id);
                if let Some(short) = code.strip_suffix(".00") {
                    by_key.entry(short.to_owned()).or_insert(id);
                }
            }
        }
        Ok(RoleIndex { by_key })
    }

    /// `15-1252.00`, `15-1252`, `15-1252.00 Software Developers`, a name or a slug.
    pub fn find(&self, s: &str) -> Option<i64> {
        let s = s.trim().to_lowercase();
        if let Some(id) = self.by_key.get(&s) {
            return Some(*id);
        }
        let code = s.split_whitespace().next().unwrap_or("");
        self.by_key.get(code).copied()
    }
}

/// Turns a raw record into a posting to write: catalog ids for skills, frameworks and role; with
/// no listed skills, those its description mentions (as preferred).
pub fn resolve(
    raw: RawPosting,
    source: &str,
    ex: &Extractor,
    roles: &RoleIndex,
    unknown: &mut usize,
) -> AppResult<NewPosting> {
    let title = raw
        .title
        .ok_or_else(|| AppError::Validation("title is missing".into()))?;
    let external_id = raw
        .external_id
        .ok_or_else(|| AppError::Validation("identifier (external id) is missing".into()))?;
    let posted = raw
        .date_posted
        .ok_or_else(|| AppError::Validation("datePosted is missing".into()))?;
    let posted_date = parse_date("datePosted", &posted)?;
    let valid_through = raw
        .valid_through
        .map(|v| parse_date("validThrough", &v))
        .transpose()?;
    let workplace = match raw.workplace.as_deref() {
        None => Workplace::Onsite,
        Some(w) => Workplace::parse(w).ok_or_else(|| {
            AppError::Validation(format!("workplace '{w}' is not onsite/hybrid/remote"))
        })?,
    };
    let salary = match (raw.salary_min, raw.salary_max) {
        (None, None) => None,
        (min, max) => {
            let currency = raw
                .salary_currency
                .ok_or_else(|| AppError::Validation("a salary needs a currency".into()))?;
            let period = match raw.salary_period.as_deref() {
                None => Period::Year,
                Some(p) => Period::parse(p).ok_or_else(|| {
                    AppError::Validation(format!(
                        "salary unit '{p}' is not HOUR/DAY/WEEK/MONTH/YEAR"
                    ))
                })?,
            };
            Some(Salary {
                min,
                max,
                currency,
                period,
            })
        }
    };
    let mut skills = Vec::new();
    let mut frameworks = Vec::new();
    for (list, required) in [(&raw.required_skills, true), (&raw.preferred_skills, false)] {
        for label in list {
            let found = ex.lookup(label);
            if found.is_empty() {
                *unknown += 1;
            }
            for (kind, id) in found {
                match kind {
                    Kind::Skill => skills.push((id, required)),
                    Kind::Framework => frameworks.push((id, required)),
                }
            }
        }
    }
    if raw.required_skills.is_empty() && raw.preferred_skills.is_empty() {
        if let Some(d) = &raw.description {
            let (s, f) = ex.distinct(&format!("{title}\n{d}"));
            skills.extend(s.into_iter().map(|id| (id, false)));
            frameworks.extend(f.into_iter().map(|id| (id, false)));
        }
    }
    Ok(NewPosting {
        source: source.to_owned(),
        external_id,
        title,
        company: raw.company,
        city: raw.city,
        region: raw.region,
        country: raw.country,
        workplace,
        employment_type: raw.employment_type,
        salary,
        posted_date,
        valid_through,
        url: raw.url,
        description: raw.description,
        role_id: raw.role.as_deref().and_then(|r| roles.find(r)),
        skills,
        frameworks,
    })
}

/// One record and its position (`line N` or `index N`).
pub type Record = (String, AppResult<RawPosting>);

/// The longest JSON Lines record read; a longer line is rejected on its own.
const MAX_LINE_BYTES: u64 = 8 * 1024 * 1024;

/// The records of a postings file, read one at a time: CSV (`csv`) and JSON Lines are
/// streamed, so a file is never held whole and a bad record (invalid UTF-8 included) rejects
/// that record only, with its position. A JSON array (starts with `[`) is read whole.
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
    Array(std::vec::IntoIter<Record>),
}

/// Opens a stream of records over a reader; `ext` is the file's extension, lowercase.
pub fn records<R: std::io::BufRead>(mut r: R, ext: &str) -> AppResult<Records<R>> {
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
    let first = loop {
        let buf = r
            .fill_buf()
            .map_err(|e| AppError::Validation(format!("cannot read postings: {e}")))?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    };
    if first == Some(b'[') {
        let mut data = Vec::new();
        r.read_to_end(&mut data)
            .map_err(|e| AppError::Validation(format!("cannot read postings: {e}")))?;
        let arr: Vec<Json> = serde_json::from_slice(&data)
            .map_err(|e| AppError::Validation(format!("not a JSON array: {e}")))?;
        let recs: Vec<Record> = arr
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("index {i}"), from_schema_org(v)))
            .collect();
        return Ok(Records {
            inner: Inner::Array(recs.into_iter()),
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
            Inner::Array(it) => it.next(),
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

/// The records of a file, streamed (see [`Records`]).
pub fn read_records(path: &Path) -> AppResult<Records<std::io::BufReader<std::fs::File>>> {
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::Validation(format!("cannot read {}: {e}", path.display())))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    records(std::io::BufReader::new(file), &ext)
}

/// Parses text as CSV (`csv`), a JSON array (starts with `[`) or JSON Lines.
pub fn parse_records(data: &str, ext: &str) -> AppResult<Vec<Record>> {
    Ok(records(data.as_bytes(), ext)?.collect())
}

/// Imports records, each in its own transaction.
pub async fn import_records(
    db: &DatabaseConnection,
    feed: &Feed,
    ex: &Extractor,
    records: impl IntoIterator<Item = Record>,
    source: &str,
) -> AppResult<ImportReport> {
    let roles = RoleIndex::load(db).await?;
    let mut report = ImportReport::default();
    for (pos, rec) in records {
        report.read += 1;
        let result = match rec {
            Err(e) => Err(e),
            Ok(raw) => match resolve(raw, source, ex, &roles, &mut report.unknown_skills) {
                Err(e) => Err(e),
                Ok(p) => postings::upsert(db, feed, p).await.map(|(_, o)| o),
            },
        };
        match result {
            Ok(Outcome::Inserted) => report.inserted += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Err(e) => {
                report.rejected += 1;
                report.errors.push((pos, e.detail()));
            }
        }
    }
    Ok(report)
}

/// `skillgraph import postings FILE [--source NAME]`: the source defaults to the file name.
pub async fn import_file(
    db: &DatabaseConnection,
    feed: &Feed,
    ex: &Extractor,
    path: &Path,
    source: Option<&str>,
) -> AppResult<ImportReport> {
    let records = read_records(path)?;
    let default_source = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("import")
        .to_owned();
    let source = source.unwrap_or(&default_source);
    import_records(db, feed, ex, records, source).await
}

/// Writes many postings in one transaction (the demo generator), without notifications.
pub async fn write_batch(db: &DatabaseConnection, batch: Vec<NewPosting>) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let mut n = 0;
    for p in batch {
        let p = postings::validate(p)?;
        postings::upsert_in(&txn, &p).await?;
        n += 1;
    }
    txn.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_html() {
        assert_eq!(
            strip_html("<p>Hello&nbsp;<b>world</b> &amp; C&#43;&#43;</p><ul><li>Go</li></ul>"),
            "Hello world & C++\nGo"
        );
    }

    #[test]
    fn reads_schema_org() {
        let v: Json = serde_json::json!({
            "@type": "JobPosting",
            "title": "Dev",
            "identifier": {"@type": "PropertyValue", "name": "acme", "value": "A-1"},
            "datePosted": "2026-10-01T09:00:00Z",
            "hiringOrganization": {"@type": "Organization", "name": "Acme"},
            "jobLocation": {"address": {"addressLocality": "Berlin", "addressRegion": "BE", "addressCountry": "DE"}},
            "jobLocationType": "TELECOMMUTE",
            "baseSalary": {"currency": "EUR", "value": {"minValue": 50, "maxValue": 60, "unitText": "HOUR"}},
            "skills": "Python, SQL",
            "occupationalCategory": "15-1252.00 Software Developers",
            "employmentType": ["FULL_TIME"]
        });
        let r = from_schema_org(&v).expect("parse");
        assert_eq!(r.external_id.as_deref(), Some("A-1"));
        assert_eq!(r.company.as_deref(), Some("Acme"));
        assert_eq!(r.country.as_deref(), Some("DE"));
        assert_eq!(r.workplace.as_deref(), Some("remote"));
        assert_eq!((r.salary_min, r.salary_max), (Some(50.0), Some(60.0)));
        assert_eq!(r.salary_period.as_deref(), Some("HOUR"));
        assert_eq!(r.required_skills, vec!["Python", "SQL"]);
        assert_eq!(r.employment_type.as_deref(), Some("FULL_TIME"));
    }
}
