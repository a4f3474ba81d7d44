//! The curated catalog's breadth and the facts that matter (issue #13): counts, front-end and
//! mobile frameworks as frameworks, the language of each framework, release facts as fields,
//! acyclic prerequisites, no label naming two nodes, every role with requirements, and O*NET's
//! development Hot Technologies covered.
use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use sea_orm::ConnectionTrait;
use serde_json::json;
use skillgraph::catalog::seed;

use crate::helpers::{engines, first_code, slugs, TestApp};

/// The UNSPSC commodities of O*NET's development software (issue #13).
const DEV_COMMODITIES: &[&str] = &[
    "Web platform development software",
    "Development environment software",
    "Object or component oriented development software",
    "Data base management system software",
    "Data base user interface and query software",
    "Object oriented data base management software",
    "Operating system software",
    "Application server software",
    "Enterprise application integration software",
    "Cloud-based management software",
    "Configuration management software",
    "Program testing software",
    "File versioning software",
    "Expert system software",
    "Storage networking software",
];

#[tokio::test]
async fn the_catalog_is_broad_and_front_end_frameworks_are_frameworks() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                "{ skills { totalCount } frameworks { totalCount } roles { totalCount nodes { slug } } \
                   react: skill(by: { slug: \"react\" }) { slug } vue: skill(by: { slug: \"vue\" }) { slug } }",
                json!({}),
            )
            .await;
        let n = |k: &str| d[k]["totalCount"].as_i64().unwrap_or(0);
        assert!(n("skills") >= 350, "[{engine:?}] {} skills", n("skills"));
        assert!(
            n("frameworks") >= 60,
            "[{engine:?}] {} frameworks",
            n("frameworks")
        );
        assert!(n("roles") >= 15, "[{engine:?}] {} roles", n("roles"));
        println!(
            "[{engine:?}] catalog: {} skills, {} frameworks, {} roles",
            n("skills"),
            n("frameworks"),
            n("roles")
        );
        let roles = slugs(&d["roles"]);
        for r in [
            "qa-engineer",
            "security-engineer",
            "data-scientist",
            "platform-engineer",
            "embedded-software-engineer",
        ] {
            assert!(roles.contains(&r.to_owned()), "[{engine:?}] no role {r}");
        }
        assert!(d["react"].is_null() && d["vue"].is_null(), "{d}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn each_framework_is_written_in_its_language() {
    let expected = [
        ("react", "javascript", "UI_FRAMEWORK"),
        ("angular", "typescript", "UI_FRAMEWORK"),
        ("vue", "javascript", "UI_FRAMEWORK"),
        ("svelte", "javascript", "UI_FRAMEWORK"),
        ("next-js", "javascript", "WEB_FRAMEWORK"),
        ("jquery", "javascript", "UI_FRAMEWORK"),
        ("bootstrap", "css", "CSS_FRAMEWORK"),
        ("flutter", "dart", "MOBILE_FRAMEWORK"),
        ("react-native", "javascript", "MOBILE_FRAMEWORK"),
        ("swiftui", "swift", "MOBILE_FRAMEWORK"),
        ("jetpack-compose", "kotlin", "MOBILE_FRAMEWORK"),
        ("dotnet-maui", "c-sharp", "MOBILE_FRAMEWORK"),
        ("entity-framework", "c-sharp", "ORM"),
        ("play-framework", "scala", "WEB_FRAMEWORK"),
        ("axum", "rust", "WEB_FRAMEWORK"),
        ("drupal", "php", "CMS"),
        ("qt", "cpp", "DESKTOP_FRAMEWORK"),
        ("jakarta-ee", "java", "PLATFORM"),
        ("playwright", "typescript", "TESTING_FRAMEWORK"),
        ("django-rest-framework", "python", "API_FRAMEWORK"),
    ];
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (fw, lang, cat) in expected {
            let d = app
                .data(
                    "query($s: String) { framework(by: { slug: $s }) { category language { slug kind } } }",
                    json!({ "s": fw }),
                )
                .await;
            let f = &d["framework"];
            assert_eq!(f["language"]["slug"], lang, "[{engine:?}] {fw}: {d}");
            assert_eq!(f["language"]["kind"], "LANGUAGE", "[{engine:?}] {fw}");
            assert_eq!(f["category"], cat, "[{engine:?}] {fw}");
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn languages_carry_release_facts_as_fields_and_filters() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                "{ python: skill(by: { slug: \"python\" }) { firstReleaseYear license homepage } \
                   c: skill(by: { slug: \"c\" }) { firstReleaseYear license homepage } \
                   ktor: framework(by: { slug: \"ktor\" }) { firstReleaseYear } \
                   old: skills(first: 50, filter: { kind: [LANGUAGE], releasedTo: 1972 }) { nodes { slug } } \
                   mit: skills(first: 50, filter: { kind: [LANGUAGE], license: [\"MIT\"] }) { nodes { slug } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            d["python"],
            json!({ "firstReleaseYear": 1991, "license": "PSF-2.0", "homepage": "https://www.python.org/" })
        );
        // A standard has no licence or homepage of its own: left empty, not guessed.
        assert_eq!(
            d["c"],
            json!({ "firstReleaseYear": 1972, "license": null, "homepage": null })
        );
        assert_eq!(d["ktor"]["firstReleaseYear"], 2018);
        let mut old = slugs(&d["old"]);
        old.sort();
        assert_eq!(old, ["c", "cobol", "fortran"], "[{engine:?}]");
        let mit = slugs(&d["mit"]);
        for l in ["lua", "julia", "f-sharp", "powershell"] {
            assert!(
                mit.contains(&l.to_owned()),
                "[{engine:?}] {l} not MIT: {mit:?}"
            );
        }
        assert!(!mit.contains(&"python".to_owned()));
        app.cleanup().await;
    }
}

#[tokio::test]
async fn curators_set_and_clear_release_facts() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .admin_ok(
                "mutation { createSkill(input: { slug: \"nim\", name: \"Nim\", kind: LANGUAGE, \
                   firstReleaseYear: 2008, license: \"MIT\", homepage: \"https://nim-lang.org/\" }) \
                   { skill { firstReleaseYear license homepage } userErrors { code message } } }",
                json!({}),
            )
            .await;
        assert_eq!(d["createSkill"]["skill"]["license"], "MIT");
        let d = app
            .admin_ok(
                "mutation { updateSkill(skill: { slug: \"nim\" }, input: { license: null, firstReleaseYear: 2008 }) \
                   { skill { firstReleaseYear license homepage } userErrors { code message } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            d["updateSkill"]["skill"],
            json!({ "firstReleaseYear": 2008, "license": null, "homepage": "https://nim-lang.org/" })
        );
        for bad in [
            "mutation { updateSkill(skill: { slug: \"nim\" }, input: { homepage: \"nim-lang.org\" }) { skill { slug } userErrors { code message } } }",
            "mutation { updateSkill(skill: { slug: \"nim\" }, input: { firstReleaseYear: 1800 }) { skill { slug } userErrors { code message } } }",
            "mutation { updateFramework(framework: { slug: \"django\" }, input: { homepage: \"ftp://x\" }) { framework { slug } userErrors { code message } } }",
        ] {
            let v = app.admin(bad, json!({})).await;
            assert_eq!(first_code(&v), "VALIDATION", "[{engine:?}] {bad}: {v}");
        }
        // Nothing was half-written.
        let d = app
            .data(
                "{ skill(by: { slug: \"nim\" }) { homepage firstReleaseYear } }",
                json!({}),
            )
            .await;
        assert_eq!(d["skill"]["homepage"], "https://nim-lang.org/");
        assert_eq!(d["skill"]["firstReleaseYear"], 2008);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn every_role_has_requirements_and_every_skill_a_role() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                "{ roles(first: 100) { nodes { slug skills { totalCount } } } }",
                json!({}),
            )
            .await;
        for r in d["roles"]["nodes"].as_array().expect("roles") {
            let n = r["skills"]["totalCount"].as_i64().unwrap_or(0);
            assert!(n >= 10, "[{engine:?}] {} requires {n} skills", r["slug"]);
        }
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT COUNT(*) AS n FROM skill s WHERE s.source_id IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM role_skill rs WHERE rs.skill_id = s.id)",
            ))
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.try_get::<i64>("", "n").expect("n"), 0, "[{engine:?}]");
        app.cleanup().await;
    }
}

/// No name or alias names two skills or frameworks, as stored (case-insensitively).
#[tokio::test]
async fn no_label_names_two_nodes() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT l, COUNT(DISTINCT k) AS n FROM ( \
                   SELECT LOWER(name) AS l, 's' || id AS k FROM skill \
                   UNION ALL SELECT LOWER(alias), 's' || skill_id FROM skill_alias \
                   UNION ALL SELECT LOWER(name), 'f' || id FROM framework \
                   UNION ALL SELECT LOWER(alias), 'f' || framework_id FROM framework_alias) x \
                 GROUP BY l HAVING COUNT(DISTINCT k) > 1",
            ))
            .await
            .expect("query");
        let shared: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "l").expect("l"))
            .collect();
        assert!(shared.is_empty(), "[{engine:?}] shared labels: {shared:?}");
        app.cleanup().await;
    }
}

/// Walks the stored prerequisite and broader edges: no cycle.
#[tokio::test]
async fn prerequisites_and_broader_links_are_acyclic() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (table, to) in [
            ("skill_prerequisite", "prerequisite_id"),
            ("skill_broader", "broader_id"),
        ] {
            let rows = app
                .db
                .query_all_raw(sea_orm::Statement::from_string(
                    app.backend(),
                    format!("SELECT skill_id AS a, {to} AS b FROM {table}"),
                ))
                .await
                .expect("edges");
            let mut adj: HashMap<i64, Vec<i64>> = HashMap::new();
            for r in &rows {
                let (a, b): (i64, i64) = (
                    r.try_get("", "a").expect("a"),
                    r.try_get("", "b").expect("b"),
                );
                adj.entry(a).or_default().push(b);
            }
            assert!(
                rows.len() > 300,
                "[{engine:?}] {table}: {} edges",
                rows.len()
            );
            // Kahn's algorithm: every node is removed only when the graph has no cycle.
            let mut indeg: HashMap<i64, usize> = HashMap::new();
            for (a, bs) in &adj {
                indeg.entry(*a).or_default();
                for b in bs {
                    *indeg.entry(*b).or_default() += 1;
                }
            }
            let mut ready: Vec<i64> = indeg
                .iter()
                .filter(|(_, d)| **d == 0)
                .map(|(n, _)| *n)
                .collect();
            let mut removed = 0;
            while let Some(n) = ready.pop() {
                removed += 1;
                for b in adj.get(&n).into_iter().flatten() {
                    let d = indeg.get_mut(b).expect("node");
                    *d -= 1;
                    if *d == 0 {
                        ready.push(*b);
                    }
                }
            }
            assert_eq!(removed, indeg.len(), "[{engine:?}] {table} has a cycle");
        }
        app.cleanup().await;
    }
}

/// The full O*NET release, when present: `SKILLGRAPH_REAL_DATA`, else `../shared/data` or
/// `../../shared/data` beside the repository.
fn onet_release() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var("SKILLGRAPH_REAL_DATA")
        .ok()
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/data"), root.join("../../shared/data")])
        .map(|d| d.join("onet-29.3"))
        .find(|d| d.join("Technology Skills.txt").is_file())
}

#[test]
fn development_hot_technologies_have_curated_nodes() {
    let Some(dir) = onet_release() else {
        println!(
            "development_hot_technologies_have_curated_nodes: ../shared/data not found, skipped"
        );
        return;
    };
    let text = std::fs::read_to_string(dir.join("Technology Skills.txt")).expect("read");
    let mut hot: HashSet<String> = HashSet::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() > 5 && f[5] == "Y" && DEV_COMMODITIES.contains(&f[4]) {
            hot.insert(f[2].to_owned());
        }
    }
    assert_eq!(
        hot.len(),
        106,
        "the issue counts 106 development Hot Technologies"
    );
    let cat = seed::embedded().map_err(|e| e.detail()).expect("catalog");
    let curated: HashSet<&str> = cat
        .skills
        .iter()
        .filter_map(|s| s.onet_name.as_deref())
        .chain(cat.frameworks.iter().filter_map(|f| f.onet_name.as_deref()))
        .collect();
    let mut missing: Vec<&String> = hot
        .iter()
        .filter(|h| !curated.contains(h.as_str()))
        .collect();
    missing.sort();
    let covered = hot.len() - missing.len();
    println!(
        "development Hot Technologies with a curated node: {covered} of 106; missing {missing:?}"
    );
    assert!(covered >= 95, "{covered} of 106; missing {missing:?}");
}
