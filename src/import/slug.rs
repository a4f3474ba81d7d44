//! Slugs for imported rows: readable (`python-computer-programming`), stable once given (a
//! re-import finds the row by its natural key, never by slug), and never one the curated
//! catalog uses or may use.
use std::collections::HashSet;

use sea_orm::ConnectionTrait;

use crate::{db::stmt, error::AppResult};

/// Longest slug made from a name, before any suffix (validate_slug allows 100).
const MAX_BASE: usize = 80;

/// The slugs taken in one table.
pub struct Slugs {
    taken: HashSet<String>,
}

impl Slugs {
    /// Every slug of `table`, plus `reserved` (the catalog's, so a later seed never collides).
    pub async fn load<'a>(
        db: &impl ConnectionTrait,
        table: &str,
        reserved: impl IntoIterator<Item = &'a str>,
    ) -> AppResult<Self> {
        let rows = db
            .query_all_raw(stmt(
                db.get_database_backend(),
                &format!("SELECT slug FROM {table}"),
                vec![],
            ))
            .await?;
        let mut taken = HashSet::with_capacity(rows.len());
        for r in &rows {
            let s: String = r.try_get("", "slug")?;
            taken.insert(s);
        }
        taken.extend(reserved.into_iter().map(str::to_owned));
        Ok(Slugs { taken })
    }

    /// A free slug for `name`; on a clash the key's last segment tells it apart
    /// (`mathematics-4f2e0c1a`), then a counter.
    pub fn allocate(&mut self, name: &str, key: &str) -> String {
        let base = slugify(name);
        if self.taken.insert(base.clone()) {
            return base;
        }
        let tail: String = key
            .rsplit('/')
            .next()
            .unwrap_or(key)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .take(8)
            .collect();
        let with_tail = if tail.is_empty() {
            base.clone()
        } else {
            format!("{base}-{tail}")
        };
        if self.taken.insert(with_tail.clone()) {
            return with_tail;
        }
        let mut n = 2;
        loop {
            let s = format!("{with_tail}-{n}");
            if self.taken.insert(s.clone()) {
                return s;
            }
            n += 1;
        }
    }
}

/// Lowercase ASCII words joined by '-': accents dropped, apostrophes removed, anything else a
/// separator, cut at a word boundary.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        if matches!(ch, '\'' | '’' | '‘' | '`') {
            continue;
        }
        let ascii = fold(ch);
        if ascii.is_empty() {
            pending_dash = true;
            continue;
        }
        for a in ascii.chars() {
            if a.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(a);
            } else {
                pending_dash = true;
            }
        }
    }
    if out.len() > MAX_BASE {
        let cut = out[..MAX_BASE].rfind('-').unwrap_or(MAX_BASE);
        out.truncate(cut);
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

/// The ASCII spelling of a lowercase character ("" for a separator).
fn fold(c: char) -> &'static str {
    match c {
        'a'..='z' | '0'..='9' => {
            const ALNUM: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
            let i = if c.is_ascii_digit() {
                26 + (c as usize - '0' as usize)
            } else {
                c as usize - 'a' as usize
            };
            &ALNUM[i..i + 1]
        }
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'ă' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '²' => "2",
        '³' => "3",
        '+' => "plus",
        '#' => "sharp",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_and_readable() {
        assert_eq!(
            slugify("Python (computer programming)"),
            "python-computer-programming"
        );
        assert_eq!(slugify("prepare canapés"), "prepare-canapes");
        assert_eq!(
            slugify("assess the animal’s rehabilitation requirements"),
            "assess-the-animals-rehabilitation-requirements"
        );
        assert_eq!(slugify("C++"), "cplusplus");
        assert_eq!(slugify("C#"), "csharp");
        assert_eq!(
            slugify("project management methodology (PM²)"),
            "project-management-methodology-pm2"
        );
        assert_eq!(slugify("  \u{a0}"), "item");
        let long = "word ".repeat(40);
        let s = slugify(&long);
        assert!(s.len() <= MAX_BASE && !s.ends_with('-'));
        for s in [slugify("Ça va? Ü-Bahn / 24×7"), slugify(&long)] {
            crate::catalog::validate_slug(&s).expect("valid slug");
        }
        let mut slugs = Slugs {
            taken: HashSet::from(["mathematics".to_owned()]),
        };
        assert_eq!(
            slugs.allocate(
                "Mathematics",
                "http://data.europa.eu/esco/skill/4f2e0c1a-aaaa"
            ),
            "mathematics-4f2e0c1a"
        );
        assert_eq!(
            slugs.allocate(
                "Mathematics",
                "http://data.europa.eu/esco/skill/4f2e0c1a-bbbb"
            ),
            "mathematics-4f2e0c1a-2"
        );
    }
}
