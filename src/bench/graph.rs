//! A deterministic, ESCO-sized graph: the same seed and scale give the same rows on every
//! machine (our own SplitMix64, so no crate upgrade can change the data).
use std::collections::HashSet;

/// SplitMix64: tiny, fast, and stable forever.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Words for ESCO-like skill names ("manage cloud security policies"), also the search terms.
pub const VERBS: &[&str] = &[
    "manage",
    "develop",
    "design",
    "analyse",
    "apply",
    "maintain",
    "operate",
    "monitor",
    "evaluate",
    "implement",
    "test",
    "configure",
    "deploy",
    "document",
    "plan",
    "coordinate",
    "supervise",
    "train",
    "use",
    "perform",
    "assess",
    "inspect",
    "optimise",
    "integrate",
    "migrate",
    "secure",
    "audit",
    "model",
    "automate",
    "administer",
    "troubleshoot",
    "review",
];

pub const NOUNS: &[&str] = &[
    "database",
    "network",
    "software",
    "data",
    "systems",
    "security",
    "cloud",
    "web",
    "application",
    "interface",
    "algorithm",
    "model",
    "process",
    "quality",
    "project",
    "budget",
    "customer",
    "supply",
    "logistics",
    "machine",
    "learning",
    "statistics",
    "report",
    "risk",
    "compliance",
    "server",
    "storage",
    "backup",
    "container",
    "pipeline",
    "release",
    "api",
    "frontend",
    "backend",
    "mobile",
    "embedded",
    "hardware",
    "firmware",
    "sensor",
    "protocol",
    "encryption",
    "identity",
    "access",
    "policy",
    "incident",
    "service",
    "contract",
    "vendor",
    "inventory",
    "warehouse",
    "schedule",
    "workflow",
    "document",
    "archive",
    "content",
    "media",
    "graphics",
    "animation",
    "audio",
    "video",
    "geospatial",
    "mapping",
    "survey",
    "laboratory",
    "sample",
    "experiment",
    "clinical",
    "patient",
    "pharmacy",
    "finance",
    "accounting",
    "tax",
    "payroll",
    "recruitment",
    "training",
    "curriculum",
    "assessment",
    "marketing",
    "sales",
    "campaign",
    "brand",
    "retail",
    "energy",
    "grid",
    "solar",
    "wind",
    "water",
    "waste",
    "transport",
    "fleet",
    "aviation",
    "maritime",
    "rail",
    "construction",
    "building",
    "safety",
    "environment",
    "agriculture",
    "food",
    "textile",
    "chemical",
    "metal",
    "plastic",
    "robotics",
];

const ADJECTIVES: &[&str] = &[
    "senior",
    "junior",
    "lead",
    "principal",
    "chief",
    "assistant",
    "associate",
    "staff",
    "technical",
    "digital",
    "clinical",
    "industrial",
    "regional",
    "field",
    "research",
    "quality",
];

const TITLES: &[&str] = &[
    "engineer",
    "developer",
    "analyst",
    "manager",
    "specialist",
    "technician",
    "consultant",
    "architect",
    "administrator",
    "officer",
    "designer",
    "scientist",
    "coordinator",
    "operator",
    "inspector",
    "advisor",
];

/// Languages every framework is written for (kind `language`).
const LANGUAGES: &[&str] = &[
    "python",
    "java",
    "javascript",
    "typescript",
    "c",
    "cpp",
    "csharp",
    "go",
    "rust",
    "ruby",
    "php",
    "kotlin",
    "swift",
    "scala",
    "elixir",
    "erlang",
    "haskell",
    "clojure",
    "dart",
    "r",
    "julia",
    "perl",
    "lua",
    "fsharp",
    "ocaml",
];

const FRAMEWORK_CATEGORIES: &[&str] = &[
    "web-framework",
    "runtime",
    "api-framework",
    "orm",
    "testing-framework",
    "microframework",
];

/// Kinds of the non-language skills, ESCO-heavy (competences and knowledge).
const KINDS: &[&str] = &[
    "competence",
    "competence",
    "competence",
    "knowledge",
    "knowledge",
    "knowledge",
    "concept",
    "tool",
    "database",
    "platform",
    "practice",
];

/// How big a graph to make; `esco(1.0)` is ESCO-sized.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub skills: usize,
    pub broader: usize,
    pub prerequisites: usize,
    pub related_pairs: usize,
    pub aliases: usize,
    pub roles: usize,
    pub role_skills: usize,
    pub frameworks: usize,
    pub skills_per_framework: usize,
    pub role_frameworks: usize,
}

impl Sizes {
    pub fn esco(scale: f64) -> Self {
        let s = |n: f64| ((n * scale).round() as usize).max(1);
        Sizes {
            skills: s(14_000.0).max(LANGUAGES.len() + 50),
            broader: s(20_000.0),
            prerequisites: s(600.0),
            related_pairs: s(2_000.0),
            aliases: s(100_000.0),
            roles: s(3_000.0).max(60),
            role_skills: s(120_000.0),
            frameworks: 60,
            skills_per_framework: 10,
            role_frameworks: s(6_000.0),
        }
    }
}

pub struct SkillRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: &'static str,
    pub description: Option<String>,
    pub esco_uri: Option<String>,
}

pub struct FrameworkRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub language_id: i64,
    pub category: &'static str,
    pub first_release_year: i32,
}

pub struct RoleRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub esco_uri: Option<String>,
}

pub struct WeightedEdge {
    pub parent: i64,
    pub child: i64,
    pub essential: bool,
    pub level: i32,
}

/// Every row of the generated graph; ids are explicit, from 1.
#[derive(Default)]
pub struct Graph {
    pub skills: Vec<SkillRow>,
    pub aliases: Vec<(i64, String)>,
    /// (skill, broader): always from a later skill to an earlier one, so a DAG.
    pub broader: Vec<(i64, i64)>,
    /// (skill, prerequisite): later → earlier, so acyclic too.
    pub prerequisites: Vec<(i64, i64)>,
    /// Both directions of each related pair.
    pub related: Vec<(i64, i64)>,
    pub frameworks: Vec<FrameworkRow>,
    pub framework_skills: Vec<(i64, i64)>,
    pub roles: Vec<RoleRow>,
    pub role_skills: Vec<WeightedEdge>,
    pub role_frameworks: Vec<WeightedEdge>,
}

impl Graph {
    /// (table, rows) for the load report.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        vec![
            ("skill", self.skills.len()),
            ("skill_alias", self.aliases.len()),
            ("skill_broader", self.broader.len()),
            ("skill_prerequisite", self.prerequisites.len()),
            ("skill_related", self.related.len()),
            ("framework", self.frameworks.len()),
            ("framework_skill", self.framework_skills.len()),
            ("role", self.roles.len()),
            ("role_skill", self.role_skills.len()),
            ("role_framework", self.role_frameworks.len()),
        ]
    }

    pub fn rows(&self) -> usize {
        self.counts().iter().map(|(_, n)| n).sum()
    }
}

fn words(rng: &mut Rng, min: usize, max: usize) -> Vec<&'static str> {
    let n = rng.between(min, max);
    (0..n).map(|_| rng.pick(NOUNS)).collect()
}

fn title_case(words: &[&str]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            } else {
                (*w).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Picks `n` distinct items with `draw`, giving up on duplicates after a few tries.
fn distinct(n: usize, mut draw: impl FnMut() -> i64) -> Vec<i64> {
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 10 {
        tries += 1;
        let v = draw();
        if seen.insert(v) {
            out.push(v);
        }
    }
    out
}

/// Splits `total` over `parents` with some spread (each gets about the mean, ±50%).
fn spread(rng: &mut Rng, total: usize, parents: usize) -> Vec<usize> {
    let mean = total as f64 / parents.max(1) as f64;
    let mut v: Vec<usize> = (0..parents)
        .map(|_| {
            let f = 0.5 + rng.below(1001) as f64 / 1000.0;
            (mean * f).round() as usize
        })
        .collect();
    // Nudge the sum to the exact total.
    let mut sum: usize = v.iter().sum();
    let mut i = 0;
    while sum != total && parents > 0 {
        let k = i % parents;
        if sum < total {
            v[k] += 1;
            sum += 1;
        } else if v[k] > 1 {
            v[k] -= 1;
            sum -= 1;
        }
        i += 1;
        if i > parents * 100 {
            break;
        }
    }
    v
}

pub fn generate(seed: u64, sizes: Sizes) -> Graph {
    let mut rng = Rng::new(seed);
    let mut g = Graph::default();

    // Skills: the languages first, then ESCO-like competences and knowledge.
    for (i, lang) in LANGUAGES.iter().enumerate() {
        g.skills.push(SkillRow {
            id: i as i64 + 1,
            slug: (*lang).to_owned(),
            name: title_case(&[lang]),
            kind: "language",
            description: Some(format!("The {lang} programming language.")),
            esco_uri: None,
        });
    }
    for id in (LANGUAGES.len() + 1)..=sizes.skills {
        let verb = rng.pick(VERBS);
        let mut w = vec![verb];
        w.extend(words(&mut rng, 1, 3));
        let slug = format!("{}-{id}", w.join("-"));
        g.skills.push(SkillRow {
            id: id as i64,
            slug,
            name: title_case(&w),
            kind: rng.pick(KINDS),
            description: rng
                .chance(0.7)
                .then(|| format!("Ability to {} in professional settings.", w.join(" "))),
            esco_uri: Some(format!(
                "http://data.europa.eu/esco/skill/bench-{:016x}",
                rng.next_u64()
            )),
        });
    }
    let n_skills = g.skills.len();
    // Skills that roles and frameworks favour: the languages and a "hot" tenth.
    let hot = (n_skills / 10).max(LANGUAGES.len() + 10);
    let popular = |rng: &mut Rng| -> i64 {
        if rng.chance(0.5) {
            rng.below(hot) as i64 + 1
        } else {
            rng.below(n_skills) as i64 + 1
        }
    };

    // Broader: a DAG (later → earlier); the first ~1.5% are roots.
    let roots = (n_skills / 70).max(LANGUAGES.len() + 1);
    let children = n_skills - roots;
    let extra = sizes.broader.saturating_sub(children);
    let second = extra as f64 / children.max(1) as f64;
    for id in (roots + 1)..=n_skills {
        let k = if rng.chance(second) { 2 } else { 1 };
        // Prefer nearer ancestors so the hierarchy has depth, like ESCO's.
        for b in distinct(k, || {
            let window = (id - 1).min(2_000);
            (id - 1 - rng.below(window)) as i64
        }) {
            g.broader.push((id as i64, b));
        }
    }

    // Prerequisites and related skills: later → earlier, distinct pairs.
    let mut seen = HashSet::new();
    while g.prerequisites.len() < sizes.prerequisites {
        let a = rng.between(2, n_skills);
        let b = rng.between(1, a - 1);
        if seen.insert((a, b)) {
            g.prerequisites.push((a as i64, b as i64));
        }
    }
    seen.clear();
    while g.related.len() < sizes.related_pairs * 2 {
        let a = rng.between(2, n_skills);
        let b = rng.between(1, a - 1);
        if seen.insert((a, b)) {
            g.related.push((a as i64, b as i64));
            g.related.push((b as i64, a as i64));
        }
    }

    // Aliases: several other names per skill, distinct per skill.
    for (i, n) in spread(&mut rng, sizes.aliases, n_skills)
        .into_iter()
        .enumerate()
    {
        let skill = i as i64 + 1;
        let mut names = HashSet::with_capacity(n);
        let mut tries = 0;
        while names.len() < n && tries < n * 10 {
            tries += 1;
            let mut w = vec![rng.pick(VERBS)];
            w.extend(words(&mut rng, 1, 3));
            let alias = w.join(" ");
            if names.insert(alias.clone()) {
                g.aliases.push((skill, alias));
            }
        }
    }

    // Frameworks: each written for a language, using it and ~9 popular skills.
    for f in 0..sizes.frameworks {
        let id = f as i64 + 1;
        let lang = (f % LANGUAGES.len()) as i64 + 1;
        let noun = rng.pick(NOUNS);
        g.frameworks.push(FrameworkRow {
            id,
            slug: format!("{noun}-{}-{id}", LANGUAGES[lang as usize - 1]),
            name: format!("{} {id}", title_case(&[noun])),
            language_id: lang,
            category: FRAMEWORK_CATEGORIES[f % FRAMEWORK_CATEGORIES.len()],
            first_release_year: 1995 + rng.below(30) as i32,
        });
        let mut uses = vec![lang];
        uses.extend(
            distinct(sizes.skills_per_framework, || popular(&mut rng))
                .into_iter()
                .filter(|s| *s != lang)
                .take(sizes.skills_per_framework - 1),
        );
        for s in uses {
            g.framework_skills.push((id, s));
        }
    }

    // Roles with their skills (essential or optional, at a level) and frameworks.
    let rs = spread(&mut rng, sizes.role_skills, sizes.roles);
    let rf = spread(&mut rng, sizes.role_frameworks, sizes.roles);
    for r in 0..sizes.roles {
        let id = r as i64 + 1;
        let mut w = vec![rng.pick(ADJECTIVES)];
        w.extend(words(&mut rng, 1, 2));
        w.push(rng.pick(TITLES));
        g.roles.push(RoleRow {
            id,
            slug: format!("{}-{id}", w.join("-")),
            name: title_case(&w),
            esco_uri: Some(format!(
                "http://data.europa.eu/esco/occupation/bench-{:016x}",
                rng.next_u64()
            )),
        });
        for s in distinct(rs[r], || popular(&mut rng)) {
            g.role_skills.push(WeightedEdge {
                parent: id,
                child: s,
                essential: rng.chance(0.4),
                level: rng.between(1, 5) as i32,
            });
        }
        let n_fw = rf[r].min(sizes.frameworks);
        for f in distinct(n_fw, || rng.below(sizes.frameworks) as i64 + 1) {
            g.role_frameworks.push(WeightedEdge {
                parent: id,
                child: f,
                essential: rng.chance(0.3),
                level: rng.between(1, 5) as i32,
            });
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_graph() {
        let a = generate(7, Sizes::esco(0.02));
        let b = generate(7, Sizes::esco(0.02));
        assert_eq!(a.counts(), b.counts());
        assert_eq!(
            a.skills.iter().map(|s| &s.slug).collect::<Vec<_>>(),
            b.skills.iter().map(|s| &s.slug).collect::<Vec<_>>()
        );
        assert_eq!(a.role_skills.len(), b.role_skills.len());
    }

    #[test]
    fn hierarchies_point_backwards_so_they_are_acyclic() {
        let g = generate(1, Sizes::esco(0.05));
        assert!(g.broader.iter().all(|(s, b)| b < s));
        assert!(g.prerequisites.iter().all(|(s, p)| p < s));
        let slugs: HashSet<_> = g.skills.iter().map(|s| &s.slug).collect();
        assert_eq!(slugs.len(), g.skills.len(), "slugs are unique");
    }
}
