//! Label normalisation for the crosswalk: the keys under which a technology name (O*NET) and a
//! skill label (ESCO, the catalog) meet. Pure functions, tested on the cases exact matching
//! misses: vendor prefixes ("Oracle Java", "Microsoft SQL Server"), the word "software", a
//! spelled-out name followed by its acronym ("Structured query language SQL"), qualifiers in
//! parentheses ("Python (computer programming)"), tool suffixes ("Eclipse IDE", "Jenkins CI")
//! and punctuation that carries meaning ("C++", "C#", ".NET").

/// Vendors O*NET puts before a product's name; the longest prefix is tried first.
const VENDORS: &[&str] = &[
    "amazon web services",
    "the mathworks",
    "dassault systemes",
    "red hat",
    "microsoft",
    "oracle",
    "ibm",
    "apache",
    "adobe",
    "google",
    "amazon",
    "apple",
    "atlassian",
    "autodesk",
    "bentley",
    "cisco",
    "intuit",
    "trimble",
    "mozilla",
    "esri",
    "facebook",
];

/// Words a product name ends with that say what kind of thing it is, not which.
const KIND_SUFFIXES: &[&str] = &["software", "ide", "ci", "orm", "framework"];

/// Words too generic to stand for a product on their own ("Oracle Database" is not "database").
const GENERIC: &[&str] = &[
    "database",
    "cloud",
    "server",
    "software",
    "platform",
    "enterprise",
    "project",
    "office",
    "teams",
    "access",
    "edge",
    "word",
    "analytics",
    "docs",
    "sheets",
    "dynamics",
    "workspace",
    "erp",
    "framework",
    "ide",
    "ci",
];

/// Lower case, `+ # .` kept inside words, every other punctuation a space, spaces collapsed.
/// "Node.js" → "node.js", "PL/SQL" → "pl sql", "C++" → "c++", "Transact-SQL" → "transact sql".
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        if c.is_alphanumeric() || matches!(c, '+' | '#' | '.') {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The label without a trailing qualifier in parentheses: "Python (computer programming)" →
/// "Python"; none when there is none.
pub fn without_qualifier(label: &str) -> Option<&str> {
    let t = label.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let open = t.rfind('(')?;
    let head = t[..open].trim_end();
    (!head.is_empty()).then_some(head)
}

/// The keys a catalog or ESCO label is indexed under: the label, and without its qualifier.
pub fn label_keys(label: &str) -> Vec<String> {
    let mut keys = vec![norm(label)];
    if let Some(head) = without_qualifier(label) {
        keys.push(norm(head));
    }
    // "SAS language" is SAS: a one-word name followed by "language".
    let n = norm(label);
    if let Some(head) = n.strip_suffix(" language") {
        if !head.contains(' ') && !GENERIC.contains(&head) {
            keys.push(head.to_owned());
        }
    }
    keys.retain(|k| !k.is_empty());
    keys.dedup();
    keys
}

/// How a key was derived from a technology name (for the report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Exact,
    Vendor,
    KindSuffix,
    Acronym,
    SpelledOut,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::Exact => "same label",
            Rule::Vendor => "vendor prefix dropped",
            Rule::KindSuffix => "kind suffix dropped",
            Rule::Acronym => "acronym",
            Rule::SpelledOut => "spelled-out name",
        }
    }
}

fn strip_vendor(n: &str) -> Option<&str> {
    VENDORS.iter().find_map(|v| {
        n.strip_prefix(v)
            .and_then(|rest| rest.strip_prefix(' '))
            .filter(|rest| !rest.is_empty())
    })
}

fn strip_suffix(n: &str) -> Option<&str> {
    KIND_SUFFIXES.iter().find_map(|s| {
        n.strip_suffix(s)
            .and_then(|rest| rest.strip_suffix(' '))
            .filter(|rest| !rest.is_empty())
    })
}

/// "Structured query language SQL" → ("SQL", "Structured query language"): a last word in
/// capitals (2–6 letters or digits, starting with a letter) after at least two words that hold
/// its letters in order.
fn acronym(name: &str) -> Option<(&str, &str)> {
    let name = name.trim();
    let (head, last) = name.rsplit_once(' ')?;
    let letters = last.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if !(2..=6).contains(&last.len())
        || letters < 1
        || !last.starts_with(|c: char| c.is_ascii_alphabetic())
        || !last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return None;
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    // The acronym's letters appear in order in the words before it: "Extensible markup
    // language XML", "Amazon Simple Storage Service S3", "Apache Subversion SVN".
    let head_lower = head.to_ascii_lowercase();
    let mut rest = head_lower.chars();
    last.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .all(|c| rest.any(|h| h == c.to_ascii_lowercase()))
        .then_some((last, head))
}

/// The keys a technology name is looked up under, best first, each with the rule that made it.
/// A key that would be a generic word alone ("database", "cloud") is never produced by
/// dropping words.
pub fn tech_keys(name: &str) -> Vec<(String, Rule)> {
    let mut out: Vec<(String, Rule)> = Vec::new();
    let push = |k: String, r: Rule, out: &mut Vec<(String, Rule)>| {
        let generic = r != Rule::Exact && GENERIC.contains(&k.as_str());
        if !k.is_empty() && !generic && !out.iter().any(|(x, _)| *x == k) {
            out.push((k, r));
        }
    };
    let n = norm(name);
    push(n.clone(), Rule::Exact, &mut out);
    let mut stems = vec![(n.clone(), Rule::Exact)];
    if let Some(s) = strip_suffix(&n) {
        stems.push((s.to_owned(), Rule::KindSuffix));
    }
    if let Some(v) = strip_vendor(&n) {
        stems.push((v.to_owned(), Rule::Vendor));
        if let Some(s) = strip_suffix(v) {
            stems.push((s.to_owned(), Rule::Vendor));
        }
    }
    for (k, r) in &stems[1..] {
        push(k.clone(), *r, &mut out);
    }
    if let Some((acr, head)) = acronym(name) {
        push(norm(acr), Rule::Acronym, &mut out);
        let head = norm(head);
        let head = strip_vendor(&head).map(str::to_owned).unwrap_or(head);
        push(head, Rule::SpelledOut, &mut out);
    }
    // "Amazon Web Services AWS software": the acronym before a kind suffix.
    if strip_suffix(&n).is_some() {
        if let Some((head, _)) = name.trim().rsplit_once(' ') {
            if let Some((acr, _)) = acronym(head) {
                push(norm(acr), Rule::Acronym, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> Vec<String> {
        tech_keys(name).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn punctuation_that_means_something_is_kept() {
        assert_eq!(norm("C++"), "c++");
        assert_eq!(norm("C#"), "c#");
        assert_eq!(norm("C"), "c");
        assert_ne!(norm("C++"), norm("C"));
        assert_eq!(norm("Node.js"), "node.js");
        assert_eq!(norm(".NET"), ".net");
        assert_eq!(norm("PL/SQL"), "pl sql");
        assert_eq!(norm("Transact-SQL"), "transact sql");
        assert_eq!(norm("  Microsoft   Excel "), "microsoft excel");
        assert_eq!(norm("Inc."), "inc");
    }

    #[test]
    fn vendor_prefixes_are_dropped() {
        assert_eq!(keys("Oracle Java"), ["oracle java", "java"]);
        assert_eq!(
            keys("Microsoft SQL Server"),
            ["microsoft sql server", "sql server"]
        );
        assert!(keys("Apache Maven").contains(&"maven".to_owned()));
        assert!(keys("IBM DB2").contains(&"db2".to_owned()));
        assert!(keys("Google Angular").contains(&"angular".to_owned()));
        assert!(keys("The MathWorks MATLAB").contains(&"matlab".to_owned()));
        // A vendor alone is not a product, nor is a generic word left behind.
        assert_eq!(keys("Oracle Database"), ["oracle database"]);
        assert_eq!(keys("Microsoft Access"), ["microsoft access"]);
        assert_eq!(keys("Oracle"), ["oracle"]);
    }

    #[test]
    fn the_word_software_and_tool_suffixes_are_dropped() {
        assert_eq!(keys("Ansible software"), ["ansible software", "ansible"]);
        assert!(keys("Eclipse IDE").contains(&"eclipse".to_owned()));
        assert!(keys("Jenkins CI").contains(&"jenkins".to_owned()));
        assert!(keys("Hibernate ORM").contains(&"hibernate".to_owned()));
        assert!(keys("ESRI ArcGIS software").contains(&"arcgis".to_owned()));
        assert!(keys("Microsoft Azure software").contains(&"azure".to_owned()));
        // Never a bare kind word.
        assert!(!keys("Oracle Cloud software").contains(&"cloud".to_owned()));
        assert!(!keys("SAP software").contains(&"".to_owned()));
    }

    #[test]
    fn acronyms_after_their_spelled_out_name() {
        let k = keys("Structured query language SQL");
        assert!(k.contains(&"sql".to_owned()), "{k:?}");
        assert!(k.contains(&"structured query language".to_owned()), "{k:?}");
        assert!(keys("Hypertext markup language HTML").contains(&"html".to_owned()));
        assert!(keys("Cascading style sheets CSS").contains(&"css".to_owned()));
        assert!(keys("JavaScript Object Notation JSON").contains(&"json".to_owned()));
        assert!(keys("Extensible markup language XML").contains(&"xml".to_owned()));
        assert!(keys("Apache Subversion SVN").contains(&"subversion".to_owned()));
        assert!(keys("Amazon Simple Storage Service S3").contains(&"s3".to_owned()));
        assert!(keys("Amazon Web Services AWS software").contains(&"aws".to_owned()));
        let vba = keys("Microsoft Visual Basic for Applications VBA");
        assert!(vba.contains(&"vba".to_owned()), "{vba:?}");
        assert!(
            vba.contains(&"visual basic for applications".to_owned()),
            "{vba:?}"
        );
        // A short name in capitals is not an acronym of anything: it stays itself.
        assert_eq!(keys("SAS"), ["sas"]);
        assert_eq!(keys("R"), ["r"]);
        assert_eq!(keys("SAP ERP"), ["sap erp"]);
    }

    #[test]
    fn qualifiers_in_parentheses() {
        assert_eq!(
            label_keys("Python (computer programming)"),
            ["python computer programming", "python"]
        );
        assert_eq!(
            label_keys("Eclipse (integrated development environment software)")[1],
            "eclipse"
        );
        assert_eq!(label_keys("SQL Server"), ["sql server"]);
        assert_eq!(label_keys("SAS language"), ["sas language", "sas"]);
        assert_eq!(
            label_keys("computer programming language"),
            ["computer programming language"]
        );
        assert_eq!(without_qualifier("(x)"), None);
    }
}
