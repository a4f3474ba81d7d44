//! Imports enrich the curated graph without polluting it: curated roles keep their
//! requirements (imported occupations are evidence), imported labels stay apart from precise
//! names, and the crosswalk links O*NET technologies by normalised labels without duplicates.
//! On the fixture excerpts, and on the full releases when `../shared/data` holds them.
use std::path::{Path, PathBuf};

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::{
    catalog::seed,
    import::{self, ImportOptions, ImportReport},
};

use crate::helpers::{engines, slugs, TestApp};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

pub(crate) async fn esco(app: &TestApp, dir: &Path) -> ImportReport {
    let opts = ImportOptions {
        release: Some("1.1.1".to_owned()),
        progress: false,
    };
    import::esco::import(&app.db, dir, &opts)
        .await
        .map_err(|e| e.detail())
        .expect("ESCO import")
}

pub(crate) async fn onet(app: &TestApp, dir: &Path) -> ImportReport {
    let opts = ImportOptions {
        release: Some("29.3".to_owned()),
        progress: false,
    };
    import::onet::import(&app.db, dir, &opts)
        .await
        .map_err(|e| e.detail())
        .expect("O*NET import")
}

/// The lines of the Hot Technology section of a report.
fn hot_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| l.starts_with("  linked (") || l.starts_with("  not linked         "))
}

/// Every curated role (the catalog's, read before any import): slug → (skills, frameworks).
async fn curated_requirements(app: &TestApp) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for slug in seed::embedded()
        .expect("catalog")
        .roles
        .iter()
        .map(|r| r.slug.clone())
    {
        let d = app
            .data(
                r#"query($slug: String!) { role(by: { slug: $slug }) { source { name } skills(first: 100) { totalCount nodes { slug } } frameworks(first: 100) { totalCount nodes { slug } } } }"#,
                json!({ "slug": slug }),
            )
            .await;
        let r = &d["role"];
        assert!(r["source"].is_null(), "{d}");
        assert!(r["skills"]["totalCount"].as_i64() <= Some(100), "{d}");
        out.push((slug, slugs(&r["skills"]), slugs(&r["frameworks"])));
    }
    out
}

#[tokio::test]
async fn curated_roles_keep_their_requirements_and_gain_evidence() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let before = curated_requirements(&app).await;
        assert!(before.len() >= 8, "{before:?}");
        esco(&app, &fixture("esco/v1.1.1")).await;
        onet(&app, &fixture("onet/29.3")).await;
        let after = curated_requirements(&app).await;
        assert_eq!(after, before, "[{engine:?}] a curated role changed");

        let d = app
            .data(
                r#"{
                  backend: role(by: { slug: "backend-developer" }) {
                    equivalentRoles { via role { slug source { name } } }
                    requirementEvidence(first: 100) { skill { slug } required occupations essentialIn hotTechnology inDemand }
                    requiredOnly: requirementEvidence(first: 100, requiredOnly: true) { skill { slug } required }
                  }
                  imported: role(by: { slug: "software-developers" }) { equivalentRoles { via } requirementEvidence { occupations } }
                }"#,
                json!({}),
            )
            .await;
        let b = &d["backend"];
        let ev = b["requirementEvidence"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let find = |slug: &str| {
            ev.iter()
                .find(|e| e["skill"]["slug"] == slug)
                .cloned()
                .unwrap_or_else(|| panic!("[{engine:?}] no evidence for {slug}: {b}"))
        };
        // Python: required by Back-End Developer, by ESCO's software developer (essential)
        // and by O*NET's Software Developers (a hot, in-demand technology).
        let py = find("python");
        assert_eq!(
            (
                py["required"].clone(),
                py["occupations"].clone(),
                py["hotTechnology"].clone(),
                py["inDemand"].clone()
            ),
            (json!(true), json!(2), json!(true), json!(true)),
            "{py}"
        );
        // Jira: only O*NET's occupation lists it; evidence, not a requirement.
        let jira = find("atlassian-jira");
        assert_eq!(
            (jira["required"].clone(), jira["occupations"].clone()),
            (json!(false), json!(1))
        );
        // Most occupations first.
        let counts: Vec<i64> = ev
            .iter()
            .filter_map(|e| e["occupations"].as_i64())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
        let req = b["requiredOnly"].as_array().cloned().unwrap_or_default();
        assert!(
            !req.is_empty() && req.iter().all(|e| e["required"] == true),
            "{b}"
        );
        // Imported occupations have no equivalents of their own.
        assert_eq!(
            d["imported"],
            json!({ "equivalentRoles": [], "requirementEvidence": [] })
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn imported_labels_stay_apart_from_precise_names() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1")).await;
        let d = app
            .data(
                r#"{
                  js: skill(by: { slug: "javascript" }) { aliases(first: 100) { nodes { name } } }
                  pf: skill(by: { slug: "programming-fundamentals" }) { aliases(first: 100) { totalCount } }
                  lua: search(query: "Lua") { edges { node { ... on Skill { slug } } } }
                  mocha: search(query: "Mocha") { edges { node { ... on Skill { slug } } } }
                  extracted: extractSkills(text: "We test with Mocha and script in Lua.") { text }
                }"#,
                json!({}),
            )
            .await;
        let js: Vec<&str> = d["js"]["aliases"]["nodes"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(!js.contains(&"Mocha"), "[{engine:?}] {js:?}");
        let hits = |k: &str| -> Vec<String> {
            d[k]["edges"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|h| h["node"]["slug"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert!(
            !hits("lua").contains(&"programming-fundamentals".to_owned()),
            "{d}"
        );
        assert!(!hits("mocha").contains(&"javascript".to_owned()), "{d}");
        // Lua and Mocha are curated names now (the language, the test framework): extraction
        // finds them as the catalog's, never through the imported labels.
        assert_eq!(
            d["extracted"],
            json!([{ "text": "Mocha" }, { "text": "Lua" }]),
            "{d}"
        );
        assert_eq!(hits("lua").first().map(String::as_str), Some("lua"), "{d}");
        // The labels are kept, with their source.
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT COUNT(*) AS n FROM skill_label l JOIN skill s ON s.id = l.skill_id \
                 JOIN source so ON so.id = l.source_id \
                 WHERE s.slug = 'programming-fundamentals' AND l.label = 'Lua' AND so.name = 'esco'",
            ))
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.try_get::<i64>("", "n").expect("n"), 1);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn the_crosswalk_links_normalised_names_without_duplicates() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1")).await;
        let r = onet(&app, &fixture("onet-crosswalk/29.3")).await;
        let text = r.details();
        let line = |name: &str| -> String {
            hot_lines(&text)
                .find(|l| l.contains(&format!(" {name} →")) || l.contains(&format!(" {name}:")))
                .unwrap_or_else(|| panic!("no line for {name} in {text}"))
                .to_owned()
        };
        for (name, target) in [
            ("Oracle Java", "java"),
            ("Structured query language SQL", "sql"),
            ("Hypertext markup language HTML", "html"),
            ("Ansible software", "ansible"),
            ("Microsoft SQL Server", "microsoft-sql-server"),
            (
                "Eclipse IDE",
                "eclipse-integrated-development-environment-software",
            ),
            ("Python", "python"),
            ("Git", "git"),
            ("Bash", "bash"),
            ("Django", "django"),
        ] {
            let l = line(name);
            assert!(
                l.contains("linked (same)") && l.contains(&format!(" {target} ")),
                "[{engine:?}] {l}"
            );
        }
        assert!(line("Microsoft Excel").contains("not linked"), "{text}");
        assert!(line("Atlassian JIRA").contains("not linked"), "{text}");
        assert_eq!(r.hot_technologies, Some((11, 13)), "{text}");

        // No duplicate nodes: the technologies are the catalog's and ESCO's skills, with
        // O*NET's name as a precise alias and O*NET's edges.
        let d = app
            .data(
                r#"{
                  tools: skills(filter: { kind: [TOOL] }, first: 100) { nodes { slug } }
                  java: skill(by: { slug: "java" }) { aliases(first: 50) { nodes { name } } roles(first: 50) { edges { hotTechnology node { slug } } } }
                  eclipse: skill(by: { slug: "eclipse-integrated-development-environment-software" }) { onetName }
                }"#,
                json!({}),
            )
            .await;
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT s.slug AS slug FROM skill s JOIN source so ON so.id = s.source_id \
                 WHERE so.name = 'onet' ORDER BY s.slug",
            ))
            .await
            .expect("query");
        let created: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "slug").expect("slug"))
            .collect();
        // Only the technologies no catalog or ESCO label names became new skills.
        assert_eq!(
            created,
            // Apache Subversion SVN is the catalog's `subversion` (by onetName).
            ["atlassian-jira", "microsoft-excel"],
            "[{engine:?}]"
        );
        assert!(slugs(&d["tools"]).contains(&"atlassian-jira".to_owned()));
        let java: Vec<&str> = d["java"]["aliases"]["nodes"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(java.contains(&"Oracle Java"), "{d}");
        let roles: Vec<&Value> = d["java"]["roles"]["edges"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["node"]["slug"] == "software-developers")
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(roles.len(), 1, "{d}");
        assert_eq!(roles[0]["hotTechnology"], true);
        assert_eq!(d["eclipse"]["onetName"], "Eclipse IDE");

        // Importing again links the same way and changes nothing.
        let again = onet(&app, &fixture("onet-crosswalk/29.3")).await;
        assert!(again.is_noop(), "[{engine:?}] {}", again.summary());
        assert_eq!(again.hot_technologies, Some((11, 13)));
        app.cleanup().await;
    }
}

/// Every root field, on an imported graph.
const EVERY_ROOT_FIELD: &str = r#"{
  skill(by: { slug: "python" }) { slug aliases(first: 5) { totalCount } roles(first: 5) { totalCount } }
  skills(first: 5) { totalCount nodes { slug } }
  framework(by: { slug: "django" }) { slug roles(first: 5) { totalCount } }
  frameworks(first: 5) { totalCount }
  role(by: { slug: "backend-developer" }) { slug skills(first: 5) { totalCount } equivalentRoles { via } requirementEvidence(first: 5) { occupations } }
  roles(first: 5) { totalCount }
  learningPath(target: { role: { slug: "backend-developer" } }, known: [{ slug: "python" }]) { steps { skill { slug } } }
  skillGap(role: { slug: "backend-developer" }, known: [{ slug: "python" }]) { essential { required covered } }
  relatedSkills(skill: { slug: "python" }, first: 5) { skill { slug } score }
  skillPath(from: { slug: "python" }, to: { slug: "programming-fundamentals" }) { length hops { to { slug } } }
  info { version backend }
  node(id: "U2tpbGw6MQ") { id }
  nodes(ids: ["U2tpbGw6MQ"]) { id }
  search(query: "python", first: 5) { edges { score } }
  jobPosting(id: "Sm9iUG9zdGluZzox") { id }
  jobPostings(first: 5) { totalCount }
  extractSkills(text: "Python and Django on PostgreSQL") { text }
  market { topSkills(first: 5) { postings } }
}"#;

#[tokio::test]
async fn every_root_field_answers_on_the_imported_graph() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1")).await;
        onet(&app, &fixture("onet/29.3")).await;
        let d = app.data(EVERY_ROOT_FIELD, json!({})).await;
        assert_eq!(d["skill"]["slug"], "python");
        assert!(
            d["role"]["equivalentRoles"]
                .as_array()
                .is_some_and(|a| a.len() == 2),
            "{d}"
        );
        app.cleanup().await;
    }
}

/// The full releases, when present: `SKILLGRAPH_REAL_DATA`, else `../shared/data` or
/// `../../shared/data` beside the repository.
pub(crate) fn real_data() -> Option<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates: Vec<PathBuf> = std::env::var("SKILLGRAPH_REAL_DATA")
        .ok()
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/data"), root.join("../../shared/data")])
        .collect();
    candidates.into_iter().find_map(|d| {
        let (e, o) = (d.join("esco-v1.1.1"), d.join("onet-29.3"));
        (e.is_dir() && o.is_dir()).then_some((e, o))
    })
}

/// O*NET's Hot Technologies, and those a case-insensitive exact match against ESCO's preferred
/// and alternative labels finds (the baseline the crosswalk must at least reach).
fn hot_technologies(esco_dir: &Path, onet_dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut hot = std::collections::BTreeSet::new();
    let text = std::fs::read_to_string(onet_dir.join("Technology Skills.txt")).expect("read");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() > 5 && f[5] == "Y" {
            hot.insert(f[2].to_owned());
        }
    }
    let mut labels = std::collections::HashSet::new();
    let mut rdr = csv::Reader::from_path(esco_dir.join("skills_en.csv")).expect("csv");
    let headers = rdr.headers().expect("headers").clone();
    let pref = headers
        .iter()
        .position(|h| h == "preferredLabel")
        .expect("col");
    let alt = headers.iter().position(|h| h == "altLabels").expect("col");
    for rec in rdr.records() {
        let rec = rec.expect("record");
        labels.insert(rec[pref].trim().to_lowercase());
        for a in rec[alt].lines() {
            labels.insert(a.trim().to_lowercase());
        }
    }
    let exact = hot
        .iter()
        .filter(|h| labels.contains(&h.to_lowercase()))
        .cloned()
        .collect();
    (hot.into_iter().collect(), exact)
}

#[tokio::test]
async fn real_releases_enrich_without_polluting() {
    let Some((esco_dir, onet_dir)) = real_data() else {
        println!("real_releases_enrich_without_polluting: ../shared/data not found, skipped");
        return;
    };
    let (hot, exact) = hot_technologies(&esco_dir, &onet_dir);
    assert_eq!((hot.len(), exact.len()), (172, 39));
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let before = curated_requirements(&app).await;
        esco(&app, &esco_dir).await;
        let r = onet(&app, &onet_dir).await;
        let after = curated_requirements(&app).await;
        assert_eq!(after, before, "[{engine:?}] a curated role changed");
        let backend = after
            .iter()
            .find(|r| r.0 == "backend-developer")
            .expect("backend-developer");
        // As many as the curated catalog gives it (525 before imports stopped flooding it).
        let curated = skillgraph::catalog::seed::embedded()
            .expect("catalog")
            .roles
            .into_iter()
            .find(|r| r.slug == "backend-developer")
            .map(|r| r.skills.len())
            .expect("backend-developer in the catalog");
        assert_eq!(backend.1.len(), curated);
        assert!(
            curated < 60,
            "backend-developer has {curated} curated skills"
        );
        let mobile = after
            .iter()
            .find(|r| r.0 == "mobile-developer")
            .expect("mobile-developer");
        for fw in [
            "django",
            "ruby-on-rails",
            "spring",
            "spring-boot",
            "asp-net-core",
        ] {
            assert!(!mobile.2.contains(&fw.to_owned()), "{mobile:?}");
        }

        // Every Hot Technology is listed, linked or with its reason; the exact matches linked.
        let text = r.details();
        let (linked, total) = r.hot_technologies.expect("hot technologies");
        assert_eq!(total, 172, "{text}");
        assert!(linked >= 83, "[{engine:?}] {linked} linked\n{text}");
        for name in &exact {
            let l = hot_lines(&text)
                .find(|l| l.contains(&format!(" {name} →")) || l.contains(&format!(" {name}:")))
                .unwrap_or_else(|| panic!("{name} not in the report"));
            assert!(l.contains("linked ("), "{l}");
        }
        println!("[{engine:?}] Hot Technologies linked: {linked} of {total}");

        // No O*NET node duplicates a catalog or ESCO skill of the same name.
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT COUNT(*) AS n FROM skill o JOIN source so ON so.id = o.source_id \
                 AND so.name = 'onet' JOIN skill e ON LOWER(e.name) = LOWER(o.name) AND e.id <> o.id",
            ))
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.try_get::<i64>("", "n").expect("n"), 0);

        let d = app
            .data(
                r#"{
                  js: skill(by: { slug: "javascript" }) { aliases(first: 100) { nodes { name } } }
                  lua: search(query: "Lua") { edges { node { ... on Skill { slug } } } }
                }"#,
                json!({}),
            )
            .await;
        assert!(!d["js"].to_string().contains("\"Mocha\""), "{d}");
        assert!(
            !d["lua"].to_string().contains("programming-fundamentals"),
            "{d}"
        );
        let d = app.data(EVERY_ROOT_FIELD, json!({})).await;
        assert_eq!(d["skill"]["slug"], "python");
        app.cleanup().await;
    }
}

/// What the crosswalk decided, in a form that compares across databases: every skill (slug,
/// name, ESCO URI, O*NET name), every role–skill and role–framework edge, every broader link
/// and every alias, by slug.
async fn crosswalk_state(app: &TestApp) -> Vec<String> {
    let queries = [
        "SELECT 'skill ' || s.slug || ' | ' || s.name || ' | ' || COALESCE(s.esco_uri, '-') \
         || ' | ' || COALESCE(s.onet_name, '-') AS line FROM skill s",
        "SELECT 'role_skill ' || r.slug || ' -> ' || s.slug || ' ' || rs.importance || ' ' \
         || COALESCE(CAST(rs.level AS TEXT), '-') || ' hot=' \
         || COALESCE(CASE WHEN rs.hot_technology THEN 'y' ELSE 'n' END, '-') AS line \
         FROM role_skill rs JOIN role r ON r.id = rs.role_id JOIN skill s ON s.id = rs.skill_id",
        "SELECT 'role_framework ' || r.slug || ' -> ' || f.slug || ' ' || rf.importance AS line \
         FROM role_framework rf JOIN role r ON r.id = rf.role_id \
         JOIN framework f ON f.id = rf.framework_id",
        "SELECT 'broader ' || a.slug || ' -> ' || b.slug AS line FROM skill_broader e \
         JOIN skill a ON a.id = e.skill_id JOIN skill b ON b.id = e.broader_id",
        "SELECT 'alias ' || s.slug || ' = ' || a.alias AS line FROM skill_alias a \
         JOIN skill s ON s.id = a.skill_id",
        "SELECT 'framework_alias ' || f.slug || ' = ' || a.alias AS line FROM framework_alias a \
         JOIN framework f ON f.id = a.framework_id",
        "SELECT 'equivalent ' || r.slug || ' ~ ' || q.slug || ' via ' || e.via AS line \
         FROM role_equivalent e JOIN role r ON r.id = e.role_id JOIN role q ON q.id = e.equivalent_id",
    ];
    let mut out = Vec::new();
    for sql in queries {
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(app.backend(), sql))
            .await
            .expect("query");
        out.extend(
            rows.iter()
                .map(|r| r.try_get::<String>("", "line").expect("line")),
        );
    }
    out.sort();
    out
}

#[tokio::test]
async fn the_crosswalk_does_not_depend_on_the_import_order() {
    for engine in engines() {
        for onet_dir in ["onet/29.3", "onet-crosswalk/29.3"] {
            let esco_first = TestApp::spawn(engine).await;
            esco(&esco_first, &fixture("esco/v1.1.1")).await;
            onet(&esco_first, &fixture(onet_dir)).await;
            let a = crosswalk_state(&esco_first).await;

            let onet_first = TestApp::spawn(engine).await;
            onet(&onet_first, &fixture(onet_dir)).await;
            let r = esco(&onet_first, &fixture("esco/v1.1.1")).await;
            let b = crosswalk_state(&onet_first).await;
            let only_a: Vec<&String> = a.iter().filter(|l| !b.contains(l)).collect();
            let only_b: Vec<&String> = b.iter().filter(|l| !a.contains(l)).collect();
            assert!(
                only_a.is_empty() && only_b.is_empty(),
                "[{engine:?} {onet_dir}] ESCO then O*NET only: {only_a:#?}\n\
                 O*NET then ESCO only: {only_b:#?}\n{}",
                r.details()
            );
            // Importing ESCO again changes nothing.
            let again = esco(&onet_first, &fixture("esco/v1.1.1")).await;
            assert!(again.is_noop(), "[{engine:?}] {}", again.summary());
            assert_eq!(crosswalk_state(&onet_first).await, b, "[{engine:?}]");
            esco_first.cleanup().await;
            onet_first.cleanup().await;
        }
    }
}
