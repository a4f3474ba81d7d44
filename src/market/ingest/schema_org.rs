//! Reading one posting record: a schema.org `JobPosting` object, or a CSV row, into a
//! [`RawPosting`] (nothing resolved against the catalog yet); HTML descriptions to plain text.
use std::collections::HashMap;

use serde_json::Value as Json;

use crate::error::{AppError, AppResult};

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

pub(super) fn from_csv(
    headers: &csv::StringRecord,
    rec: &csv::StringRecord,
) -> AppResult<RawPosting> {
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
