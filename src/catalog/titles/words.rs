//! Reading a job title: tokens (lower case, `back-end` → `backend`, `Sr.` → `senior`), and the
//! words a title carries besides the role: seniority, employment terms, places and work modes,
//! gender markers and noise. The same tokenizer reads the role labels, so both sides agree.

/// Why a word of a title was set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aside {
    Seniority,
    Employment,
    Location,
    /// Gender markers (`m/f/d`), stop words, numbers, salaries, the company after `@`.
    Other,
}

/// A token and its place in the title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    /// The words of the title it stands for (`full time` → `fulltime`), as written.
    pub raw: String,
}

/// Tokens kept whole although they hold a `/`.
const KEEP_SLASHED: &[&str] = &["ci/cd", "ai/ml", "ui/ux", "ux/ui", "tcp/ip", "pl/sql"];

const GENDER: &[&str] = &[
    "m/f/d", "m/w/d", "f/m/d", "w/m/d", "m/f/x", "f/m/x", "m/f/div", "m/w/x", "d/f/m", "h/f",
    "f/h", "m/f", "f/m", "m/w", "w/m", "x/f/m", "gn", "mwd", "mfd",
];

/// Two words read as one (`full stack` → `fullstack`), so `full-stack`, `fullstack` and
/// `full stack` agree.
const JOINS: &[(&str, &str, &str)] = &[
    ("full", "stack", "fullstack"),
    ("back", "end", "backend"),
    ("front", "end", "frontend"),
    ("dev", "ops", "devops"),
    ("full", "time", "fulltime"),
    ("part", "time", "parttime"),
    ("on", "site", "onsite"),
    ("entry", "level", "entrylevel"),
    ("mid", "level", "midlevel"),
    ("all", "genders", "allgenders"),
    ("new", "york", "newyork"),
    ("san", "francisco", "sanfrancisco"),
    ("bay", "area", "bayarea"),
    ("los", "angeles", "losangeles"),
    ("tel", "aviv", "telaviv"),
    ("united", "kingdom", "unitedkingdom"),
    ("united", "states", "unitedstates"),
    ("working", "student", "workingstudent"),
    ("fixed", "term", "fixedterm"),
    ("home", "office", "homeoffice"),
];

/// Abbreviations and plurals read as the word they stand for.
const SYNONYMS: &[(&str, &str)] = &[
    ("sr", "senior"),
    ("snr", "senior"),
    ("jr", "junior"),
    ("jnr", "junior"),
    ("dev", "developer"),
    ("devs", "developer"),
    ("developers", "developer"),
    ("eng", "engineer"),
    ("engr", "engineer"),
    ("engineers", "engineer"),
    ("sw", "software"),
    ("mgr", "manager"),
    ("fe", "frontend"),
    ("programmers", "programmer"),
    ("architects", "architect"),
    ("administrators", "administrator"),
    ("admin", "administrator"),
    ("sysadmins", "sysadmin"),
    ("scientists", "scientist"),
    ("testers", "tester"),
    ("ml/ai", "ai/ml"),
    ("ux/ui", "ui/ux"),
];

const SENIORITY: &[&str] = &[
    "senior",
    "junior",
    "lead",
    "principal",
    "staff",
    "head",
    "chief",
    "midlevel",
    "mid",
    "intermediate",
    "entrylevel",
    "graduate",
    "grad",
    "trainee",
    "apprentice",
    "associate",
    "experienced",
    "expert",
    "i",
    "ii",
    "iii",
    "iv",
    "l1",
    "l2",
    "l3",
    "l4",
    "l5",
    "l6",
    "1",
    "2",
    "3",
    "4",
    "5",
    "level",
    "medior",
    "young",
    "sénior",
];

const EMPLOYMENT: &[&str] = &[
    "fulltime",
    "parttime",
    "contract",
    "contractor",
    "freelance",
    "freelancer",
    "permanent",
    "temporary",
    "temp",
    "fixedterm",
    "internship",
    "intern",
    "workingstudent",
    "werkstudent",
    "vollzeit",
    "teilzeit",
    "festanstellung",
    "cdi",
    "cdd",
    "b2b",
    "perm",
    "interim",
    "consultancy",
];

const WORK_MODES: &[&str] = &[
    "remote",
    "hybrid",
    "onsite",
    "homeoffice",
    "wfh",
    "anywhere",
    "office",
    "relocation",
    "remotely",
    "distributed",
];

const PLACES: &[&str] = &[
    "berlin",
    "munich",
    "münchen",
    "hamburg",
    "frankfurt",
    "cologne",
    "köln",
    "stuttgart",
    "düsseldorf",
    "dusseldorf",
    "leipzig",
    "dresden",
    "london",
    "manchester",
    "edinburgh",
    "bristol",
    "dublin",
    "paris",
    "lyon",
    "amsterdam",
    "rotterdam",
    "utrecht",
    "brussels",
    "zurich",
    "zürich",
    "geneva",
    "basel",
    "vienna",
    "wien",
    "madrid",
    "barcelona",
    "valencia",
    "lisbon",
    "porto",
    "milan",
    "rome",
    "warsaw",
    "krakow",
    "kraków",
    "wroclaw",
    "prague",
    "budapest",
    "bucharest",
    "sofia",
    "stockholm",
    "copenhagen",
    "oslo",
    "helsinki",
    "tallinn",
    "riga",
    "vilnius",
    "athens",
    "newyork",
    "nyc",
    "sanfrancisco",
    "sf",
    "bayarea",
    "seattle",
    "austin",
    "boston",
    "chicago",
    "denver",
    "losangeles",
    "toronto",
    "vancouver",
    "montreal",
    "sydney",
    "melbourne",
    "singapore",
    "bangalore",
    "bengaluru",
    "hyderabad",
    "pune",
    "telaviv",
    "dubai",
    "tokyo",
    "germany",
    "deutschland",
    "uk",
    "unitedkingdom",
    "usa",
    "us",
    "unitedstates",
    "france",
    "spain",
    "italy",
    "netherlands",
    "poland",
    "portugal",
    "ireland",
    "canada",
    "india",
    "europe",
    "eu",
    "emea",
    "apac",
    "latam",
    "dach",
    "switzerland",
    "austria",
    "belgium",
    "sweden",
    "denmark",
    "norway",
    "finland",
    "estonia",
    "remote-first",
    "worldwide",
    "global",
    "nationwide",
    "tx",
    "ny",
    "wa",
    "ma",
    "il",
    "co",
    "nj",
    "ga",
    "nc",
    "va",
];

const STOP: &[&str] = &[
    "and",
    "&",
    "of",
    "the",
    "a",
    "an",
    "for",
    "with",
    "to",
    "in",
    "at",
    "or",
    "our",
    "team",
    "job",
    "position",
    "role",
    "opening",
    "wanted",
    "hiring",
    "needed",
    "new",
    "urgent",
    "germany-wide",
    "+",
    "-",
    "/",
    "(",
    ")",
    "·",
    "•",
];

fn canonical(word: &str) -> String {
    let w = word;
    if let Some((_, to)) = SYNONYMS.iter().find(|(from, _)| *from == w) {
        return (*to).to_owned();
    }
    w.to_owned()
}

/// Lower-cased words of a text: separators split, in-word hyphens join (`back-end` → `backend`),
/// a `/` splits unless the token is kept whole (`ci/cd`, `m/f/d`), and pairs such as
/// `full stack` become one token.
pub fn tokenize(text: &str) -> Vec<Token> {
    // (lower-cased word, as written)
    let mut words: Vec<(String, String)> = Vec::new();
    for piece in text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | ';'
                    | '|'
                    | '–'
                    | '—'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | ':'
                    | '!'
                    | '?'
                    | '"'
                    | '\''
                    | '’'
                    | '‘'
                    | '*'
                    | '•'
                    | '·'
                    | '_'
                    | '~'
                    | '='
            )
    }) {
        let lower = piece.to_lowercase();
        // `.net` keeps its dot.
        let trim = |c: char| matches!(c, '-' | '/' | '*' | '.' | '@');
        let p = if lower.starts_with(".net") {
            lower.trim_end_matches(trim).to_owned()
        } else {
            lower.trim_matches(trim).to_owned()
        };
        if p.is_empty() {
            continue;
        }
        let raw = piece.trim_matches(|c: char| matches!(c, '-' | '/' | '*' | '@'));
        if p.contains('/') && !KEEP_SLASHED.contains(&p.as_str()) && !GENDER.contains(&p.as_str()) {
            let raws: Vec<&str> = raw.split('/').filter(|s| !s.is_empty()).collect();
            let lows: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
            for (i, l) in lows.iter().enumerate() {
                let r = raws.get(i).copied().unwrap_or(l);
                words.push(((*l).to_owned(), r.to_owned()));
            }
        } else {
            words.push((p, raw.to_owned()));
        }
    }
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (w, raw) = &words[i];
        if let Some((next, next_raw)) = words.get(i + 1) {
            if let Some((_, _, joined)) = JOINS.iter().find(|(a, b, _)| a == w && b == next) {
                out.push(Token {
                    text: (*joined).to_owned(),
                    raw: format!("{raw} {next_raw}"),
                });
                i += 2;
                continue;
            }
        }
        let joined = if w.contains('-') && !w.starts_with('-') {
            w.replace('-', "")
        } else {
            w.clone()
        };
        out.push(Token {
            text: canonical(&joined),
            raw: raw.clone(),
        });
        i += 1;
    }
    out
}

/// What a title word is besides a role word, if anything.
pub fn aside(token: &str) -> Option<Aside> {
    if SENIORITY.contains(&token) {
        Some(Aside::Seniority)
    } else if EMPLOYMENT.contains(&token) {
        Some(Aside::Employment)
    } else if WORK_MODES.contains(&token) || PLACES.contains(&token) {
        Some(Aside::Location)
    } else if GENDER.contains(&token)
        || token == "allgenders"
        || STOP.contains(&token)
        || token.chars().any(|c| matches!(c, '€' | '$' | '£' | '%'))
        || (token.chars().any(|c| c.is_ascii_digit()) && token.len() > 1 && token != "b2b")
    {
        Some(Aside::Other)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn tokens_agree_across_spellings() {
        assert_eq!(texts("Full-Stack Dev"), ["fullstack", "developer"]);
        assert_eq!(texts("full stack developer"), ["fullstack", "developer"]);
        assert_eq!(
            texts("Sr. Back-End Engineer (m/f/d)"),
            ["senior", "backend", "engineer", "m/f/d"]
        );
        assert_eq!(
            texts("C++/C# .NET Developer"),
            ["c++", "c#", ".net", "developer"]
        );
        assert_eq!(
            texts("CI/CD Engineer – Remote"),
            ["ci/cd", "engineer", "remote"]
        );
    }

    #[test]
    fn words_are_set_aside_by_kind() {
        assert_eq!(aside("senior"), Some(Aside::Seniority));
        assert_eq!(aside("fulltime"), Some(Aside::Employment));
        assert_eq!(aside("berlin"), Some(Aside::Location));
        assert_eq!(aside("m/f/d"), Some(Aside::Other));
        assert_eq!(aside("€70k"), Some(Aside::Other));
        assert_eq!(aside("python"), None);
    }
}
