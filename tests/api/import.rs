//! The ESCO and O*NET importers, on small real excerpts (tests/fixtures, see ATTRIBUTION.md):
//! both ESCO naming schemes and line ends, idempotent re-imports, releases updated in place,
//! malformed files refused with file and line and nothing written, the crosswalk to the
//! catalog, and what GraphQL shows of it all.
use std::path::{Path, PathBuf};

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::import::{self, ImportOptions, ImportReport, TableStats};

use crate::helpers::{engines, slugs, TestApp};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn opts(release: &str) -> ImportOptions {
    ImportOptions {
        release: Some(release.to_owned()),
        progress: false,
    }
}

async fn esco(app: &TestApp, dir: &Path, release: &str) -> ImportReport {
    import::esco::import(&app.db, dir, &opts(release))
        .await
        .map_err(|e| e.detail())
        .expect("ESCO import")
}

async fn onet(app: &TestApp, dir: &Path) -> ImportReport {
    import::onet::import(&app.db, dir, &ImportOptions::default())
        .await
        .map_err(|e| e.detail())
        .expect("O*NET import")
}

const TABLES: &[&str] = &[
    "source",
    "skill",
    "skill_alias",
    "skill_broader",
    "skill_related",
    "role",
    "role_alias",
    "role_related",
    "role_equivalent",
    "role_skill",
    "role_framework",
    "skill_label",
];

/// Rows per table, and the latest update time of the tables with one: an import that
/// changes nothing leaves both as they were.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    counts: Vec<(String, i64)>,
    stamps: Vec<(String, Option<String>)>,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let one = |sql: String| {
        let db = app.db.clone();
        let backend = app.backend();
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(backend, sql))
                .await
                .expect("query")
                .expect("a row")
        }
    };
    let mut counts = Vec::new();
    for t in TABLES {
        let row = one(format!("SELECT COUNT(*) AS n FROM {t}")).await;
        counts.push((t.to_string(), row.try_get::<i64>("", "n").expect("n")));
    }
    let mut stamps = Vec::new();
    for t in ["skill", "role", "role_skill", "role_framework"] {
        let row = one(format!(
            "SELECT CAST(MAX(updated_at) AS TEXT) AS m FROM {t}"
        ))
        .await;
        stamps.push((t.to_string(), row.try_get("", "m").expect("m")));
    }
    Snapshot { counts, stamps }
}

fn stats(read: u64, inserted: u64, updated: u64, unchanged: u64, skipped: u64) -> TableStats {
    TableStats {
        read,
        inserted,
        updated,
        unchanged,
        skipped,
    }
}

/// A copy of a fixture folder in a temp dir, to break.
fn copy_dir(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(from).expect("fixture dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
    }
    dir
}

#[tokio::test]
async fn esco_reads_both_naming_schemes_and_line_ends() {
    for engine in engines() {
        // v1.1 names (no suffix), CRLF, quoted multi-line fields.
        let a = TestApp::spawn(engine).await;
        let ra = esco(&a, &fixture("esco/v1.1.1"), "1.1.1").await;
        assert!(ra.notes[0].contains("v1.1"), "{:?}", ra.notes);
        // 15 skills + 13 groups, 10 of them catalog skills (Python, Java, CSS …).
        assert_eq!(
            ra.table("skill"),
            stats(28, 18, 10, 0, 0),
            "{}",
            ra.summary()
        );
        // 4 occupations, each a role of its own; 2 of them correspond to catalog roles, linked
        // by role_equivalent (the catalog roles are not rewritten).
        assert_eq!(ra.table("role"), stats(4, 4, 0, 0, 0), "{}", ra.summary());
        assert_eq!(ra.table("role_equivalent"), stats(2, 2, 0, 0, 0));
        assert_eq!(ra.table("role_skill").read, 44);
        assert_eq!(ra.table("skill_broader").read, 29);
        assert_eq!(ra.table("skill_related").read, 6);

        // v1.2 names (`_en` suffix), LF: the same excerpt gives the same graph.
        let b = TestApp::spawn(engine).await;
        let rb = esco(&b, &fixture("esco/v1.2-layout"), "1.1.1").await;
        assert!(rb.notes[0].contains("v1.2"), "{:?}", rb.notes);
        assert_eq!(ra.tables, rb.tables);
        let (sa, sb) = (snapshot(&a).await, snapshot(&b).await);
        assert_eq!(sa.counts, sb.counts, "[{engine:?}]");

        // Labels come from the newline-separated altLabels field: kept with their source for
        // search, not as precise aliases.
        let d = a
            .data(
                r#"{ skill(by: { slug: "integrated-development-environment-software" }) { name kind reuseLevel escoUri aliases(first: 50) { nodes { name } } } search(query: "NetBeans", types: [SKILL]) { edges { matchedLabel node { ... on Skill { slug } } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["skill"]["kind"], "KNOWLEDGE");
        assert_eq!(d["skill"]["aliases"]["nodes"], json!([]), "{d}");
        assert_eq!(d["search"]["edges"][0]["matchedLabel"], "NetBeans", "{d}");
        assert_eq!(
            d["search"]["edges"][0]["node"]["slug"],
            "integrated-development-environment-software"
        );
        a.cleanup().await;
        b.cleanup().await;
    }
}

#[tokio::test]
async fn reimporting_a_release_changes_nothing() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1"), "1.1.1").await;
        onet(&app, &fixture("onet/29.3")).await;
        let before = snapshot(&app).await;
        let again = esco(&app, &fixture("esco/v1.1.1"), "1.1.1").await;
        assert!(again.is_noop(), "[{engine:?}] {}", again.summary());
        assert_eq!(again.table("skill"), stats(28, 0, 0, 28, 0));
        let again = onet(&app, &fixture("onet/29.3")).await;
        assert!(again.is_noop(), "[{engine:?}] {}", again.summary());
        assert_eq!(snapshot(&app).await, before, "[{engine:?}]");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_newer_release_updates_in_place() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1"), "1.1.1").await;
        let before = snapshot(&app).await;
        let r = esco(&app, &fixture("esco/v1.2-layout"), "1.2.0").await;
        // The 18 imported skills now come from 1.2.0; catalog skills stay curated.
        assert_eq!(r.table("skill"), stats(28, 0, 18, 10, 0), "{}", r.summary());
        assert_eq!(r.table("role").inserted, 0);
        let after = snapshot(&app).await;
        // One more source row; not one more skill, role or edge.
        assert_eq!(after.counts[0].1, before.counts[0].1 + 1);
        assert_eq!(after.counts[1..], before.counts[1..]);
        let d = app
            .data(
                r#"{ a: skill(by: { slug: "provide-technical-documentation" }) { source { name version } } b: skill(by: { slug: "python" }) { source { name } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            d["a"]["source"],
            json!({ "name": "ESCO", "version": "1.2.0" })
        );
        assert_eq!(d["b"]["source"], Value::Null);
        app.cleanup().await;
    }
}

/// Appends a line to a file (keeping its line ends) and returns the new line's number.
fn append(path: &Path, line: &str, crlf: bool) -> usize {
    let mut text = std::fs::read_to_string(path).expect("read");
    let n = text.matches('\n').count() + 1;
    text.push_str(line);
    text.push_str(if crlf { "\r\n" } else { "\n" });
    std::fs::write(path, text).expect("write");
    n
}

#[tokio::test]
async fn malformed_files_abort_with_file_and_line_and_write_nothing() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let clean = snapshot(&app).await;

        // A record with too few fields.
        let dir = copy_dir(&fixture("esco/v1.1.1"));
        let line = append(
            &dir.path().join("skills_en.csv"),
            "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/x,knowledge",
            true,
        );
        let err = import::esco::import(&app.db, dir.path(), &opts("1.1.1"))
            .await
            .expect_err("malformed skills_en.csv");
        assert!(
            err.detail().contains(&format!("skills_en.csv line {line}")),
            "{}",
            err.detail()
        );
        assert_eq!(snapshot(&app).await, clean, "[{engine:?}] skills_en.csv");

        // A bad value late in the import, after skills and roles were written: all rolled back.
        let dir = copy_dir(&fixture("esco/v1.1.1"));
        let path = dir.path().join("occupationSkillRelations.csv");
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<&str> = text.split("\r\n").collect();
        let broken = lines[10]
            .replacen(",essential,", ",mandatory,", 1)
            .replacen(",optional,", ",mandatory,", 1);
        lines[10] = &broken;
        std::fs::write(&path, lines.join("\r\n")).expect("write");
        let err = import::esco::import(&app.db, dir.path(), &opts("1.1.1"))
            .await
            .expect_err("bad relationType");
        assert!(
            err.detail().contains(
                "occupationSkillRelations.csv line 11: relationType must be essential or optional"
            ),
            "{}",
            err.detail()
        );
        assert_eq!(snapshot(&app).await, clean, "[{engine:?}] relation file");

        // A broader link that closes a cycle: refused, named.
        let dir = copy_dir(&fixture("esco/v1.1.1"));
        let path = dir.path().join("broaderRelationsSkillPillar.csv");
        let text = std::fs::read_to_string(&path).expect("read");
        let first: Vec<&str> = text
            .split("\r\n")
            .nth(1)
            .expect("a row")
            .split(',')
            .collect();
        append(
            &path,
            &format!("{},{},{},{}", first[2], first[3], first[0], first[1]),
            true,
        );
        let err = import::esco::import(&app.db, dir.path(), &opts("1.1.1"))
            .await
            .expect_err("cycle");
        assert!(
            err.detail().contains("broader links form a cycle"),
            "{}",
            err.detail()
        );
        assert_eq!(snapshot(&app).await, clean, "[{engine:?}] cycle");

        // O*NET: a flag that is neither Y nor N.
        let dir = copy_dir(&fixture("onet/29.3"));
        let line = append(
            &dir.path().join("Technology Skills.txt"),
            "15-1252.00\tSoftware Developers\tRust\t43232402\tDevelopment environment software\tX\tN",
            false,
        );
        let err = import::onet::import(&app.db, dir.path(), &ImportOptions::default())
            .await
            .expect_err("bad flag");
        assert!(
            err.detail().contains(&format!(
                "Technology Skills.txt line {line}: Hot Technology must be Y or N"
            )),
            "{}",
            err.detail()
        );
        assert_eq!(snapshot(&app).await, clean, "[{engine:?}] O*NET");
        app.cleanup().await;
    }
}

fn edge<'a>(conn: &'a Value, slug: &str) -> &'a Value {
    conn["edges"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["node"]["slug"] == slug))
        .unwrap_or_else(|| panic!("no edge to {slug} in {conn}"))
}

const CROSSWALK: &str = r#"{
  framework(by: { slug: "django" }) {
    roles(first: 50) { edges { importance level hotTechnology inDemand node { slug onetSocCode source { name } } } }
    language {
      slug
      aliases(first: 50) { nodes { name } }
      roles(first: 100) { edges { importance level hotTechnology inDemand node { slug escoUri onetSocCode iscoCode source { name version } } } }
    }
  }
}"#;

#[tokio::test]
async fn the_catalog_reaches_imported_occupations() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        esco(&app, &fixture("esco/v1.1.1"), "1.1.1").await;
        let r = onet(&app, &fixture("onet/29.3")).await;
        // Django and Spring Boot are catalog frameworks: no duplicate skills for them.
        let fw = r
            .crosswalk
            .iter()
            .find(|c| c.title.contains("frameworks"))
            .expect("framework crosswalk");
        assert!(
            fw.linked.iter().any(|l| l.starts_with("django ↔ Django")),
            "{fw:?}"
        );
        assert!(
            fw.linked
                .iter()
                .any(|l| l.starts_with("spring-boot ↔ Spring Boot")),
            "{fw:?}"
        );
        let d = app
            .data(
                r#"{ skills(filter: { kind: [TOOL] }, first: 100) { nodes { slug onetName } } }"#,
                json!({}),
            )
            .await;
        let tools = slugs(&d["skills"]);
        assert!(tools.contains(&"atlassian-jira".to_owned()), "{tools:?}");
        assert!(
            !tools
                .iter()
                .any(|s| s.contains("django") || s.contains("spring-boot")),
            "{tools:?}"
        );

        let d = app.data(CROSSWALK, json!({})).await;
        let fw_roles = &d["framework"]["roles"];
        // An O*NET occupation listing Django, with O*NET's market flags on the edge.
        let e = edge(fw_roles, "computer-systems-analysts");
        assert_eq!(e["node"]["onetSocCode"], "15-1211.00");
        assert_eq!(e["node"]["source"]["name"], "ONET");
        assert_eq!(
            (e["hotTechnology"].clone(), e["inDemand"].clone()),
            (json!(true), json!(false))
        );
        assert_eq!(e["level"], Value::Null);
        // The curated edge keeps its level and nothing of O*NET's: the flags are on the edge of
        // O*NET's own 15-1252.00 occupation.
        let e = edge(fw_roles, "backend-developer");
        assert_eq!(
            (e["level"].clone(), e["hotTechnology"].clone()),
            (json!(3), Value::Null)
        );
        assert_eq!(e["node"]["source"], Value::Null);
        let e = edge(fw_roles, "software-developers");
        assert_eq!(e["node"]["onetSocCode"], "15-1252.00");
        assert_eq!(e["hotTechnology"], json!(true));

        // Through its language, Python: ESCO occupations that need Python (no level) …
        let py = &d["framework"]["language"];
        assert_eq!(py["slug"], "python");
        let e = edge(&py["roles"], "software-analyst");
        assert_eq!(
            e["node"]["source"],
            json!({ "name": "ESCO", "version": "1.1.1" })
        );
        assert_eq!(e["level"], Value::Null);
        assert!(e["node"]["escoUri"]
            .as_str()
            .is_some_and(|u| u.contains("/occupation/")));
        // … O*NET occupations with Python as a hot, in-demand technology …
        let e = edge(&py["roles"], "computer-and-information-research-scientists");
        assert_eq!(
            (e["hotTechnology"].clone(), e["inDemand"].clone()),
            (json!(true), json!(true))
        );
        // … and the catalog's own roles, unchanged (ESCO's ISCO code is on ESCO's occupation).
        let e = edge(&py["roles"], "backend-developer");
        assert_eq!(e["node"]["iscoCode"], Value::Null);
        let e = edge(&py["roles"], "software-developer");
        assert_eq!(e["node"]["iscoCode"], "2512");
        // ESCO's and O*NET's names became aliases of the catalog skill.
        let aliases: Vec<&str> = py["aliases"]["nodes"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            aliases.contains(&"Python (computer programming)"),
            "{aliases:?}"
        );

        // The catalog role is linked to ESCO's "software developer" and O*NET's 15-1252.00,
        // which keep their own aliases and related occupations.
        let d = app
            .data(
                r#"{ role(by: { slug: "backend-developer" }) { iscoCode source { name } aliases(first: 100) { totalCount } equivalentRoles { via source { name } role { slug aliases(first: 100) { nodes { name } } related(first: 20) { nodes { slug } } } } } }"#,
                json!({}),
            )
            .await;
        let role = &d["role"];
        assert_eq!(role["source"], Value::Null);
        // Its aliases are the catalog's job titles only: the imports' stay on their own roles.
        let curated = skillgraph::catalog::seed::embedded()
            .expect("catalog")
            .roles
            .into_iter()
            .find(|r| r.slug == "backend-developer")
            .map(|r| r.aliases.len())
            .expect("backend-developer in the catalog");
        assert_eq!(role["aliases"]["totalCount"], curated as i64, "{role}");
        let eq = role["equivalentRoles"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let links: Vec<(String, String, String)> = eq
            .iter()
            .map(|e| {
                (
                    e["role"]["slug"].as_str().unwrap_or("").to_owned(),
                    e["via"].as_str().unwrap_or("").to_owned(),
                    e["source"]["name"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            links,
            [
                (
                    "software-developer".into(),
                    "ESCO_URI".into(),
                    "ESCO".into()
                ),
                (
                    "software-developers".into(),
                    "ONET_SOC_CODE".into(),
                    "ONET".into()
                ),
            ],
            "{role}"
        );
        let names: Vec<&str> = eq[1]["role"]["aliases"]["nodes"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n["name"].as_str()).collect())
            .unwrap_or_default();
        assert!(!names.is_empty(), "{role}");
        let related = slugs(&eq[1]["role"]["related"]);
        assert!(
            related.contains(&"computer-systems-analysts".to_owned()),
            "{related:?}"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn sources_and_market_flags_show_in_graphql() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        onet(&app, &fixture("onet/29.3")).await;
        let d = app
            .data(
                r#"{
                  skill(by: { slug: "atlassian-jira" }) {
                    kind onetName description
                    source { name version uri attribution }
                    roles(first: 10) { totalCount edges { importance level hotTechnology inDemand node { slug source { name version } } } }
                  }
                  role(by: { slug: "computer-systems-analysts" }) {
                    onetSocCode source { name version }
                    skills(first: 20) { edges { hotTechnology inDemand node { slug } } }
                  }
                }"#,
                json!({}),
            )
            .await;
        let s = &d["skill"];
        assert_eq!(s["kind"], "TOOL");
        assert_eq!(s["onetName"], "Atlassian JIRA");
        assert_eq!(s["source"]["name"], "ONET");
        assert_eq!(s["source"]["version"], "29.3");
        assert_eq!(
            s["source"]["uri"],
            "https://www.onetcenter.org/database.html"
        );
        assert!(s["source"]["attribution"]
            .as_str()
            .is_some_and(|a| a.contains("O*NET 29.3 Database") && a.contains("CC BY 4.0")));
        // 15-1211.00, 15-1252.00 and 15-1254.00: O*NET's own roles, never the catalog's.
        assert_eq!(s["roles"]["totalCount"], 3, "{s}");
        let e = edge(&s["roles"], "computer-systems-analysts");
        assert_eq!(e["importance"], "OPTIONAL");
        assert_eq!(
            (e["hotTechnology"].clone(), e["inDemand"].clone()),
            (json!(true), json!(true))
        );
        assert_eq!(e["node"]["source"]["version"], "29.3");
        let e = edge(&d["role"]["skills"], "python");
        assert_eq!(
            (e["hotTechnology"].clone(), e["inDemand"].clone()),
            (json!(true), json!(true))
        );
        let e = edge(&d["role"]["skills"], "git");
        assert_eq!(
            (e["hotTechnology"].clone(), e["inDemand"].clone()),
            (json!(true), json!(false))
        );
        // Curated rows have no source.
        let d = app
            .data(r#"{ skill(by: { slug: "python" }) { source { name } } role(by: { slug: "backend-developer" }) { source { name } } }"#, json!({}))
            .await;
        assert_eq!(
            d,
            json!({ "skill": { "source": null }, "role": { "source": null } })
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn onet_ratings_are_imported_when_present() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let dir = copy_dir(&fixture("onet/29.3"));
        for f in ["Skills.txt", "Knowledge.txt"] {
            std::fs::copy(fixture("onet-ratings").join(f), dir.path().join(f)).expect("copy");
        }
        let r = onet(&app, dir.path()).await;
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        let d = app
            .data(
                r#"{ role(by: { slug: "computer-systems-analysts" }) { skills(first: 50) { edges { importance level onetImportance onetLevel node { slug kind onetElementId } } } } }"#,
                json!({}),
            )
            .await;
        let skills = &d["role"]["skills"];
        let e = edge(skills, "programming");
        assert_eq!(e["node"]["onetElementId"], "2.B.3.e");
        assert_eq!(e["node"]["kind"], "COMPETENCE");
        assert_eq!(e["importance"], "ESSENTIAL");
        assert_eq!(e["onetImportance"], 3.5);
        assert_eq!(e["onetLevel"], 3.88);
        assert_eq!(e["level"], 3);
        let e = edge(skills, "mathematics");
        assert_eq!(e["importance"], "OPTIONAL");
        assert_eq!(e["node"]["onetElementId"], "2.A.1.e");
        // "Mathematics" is a skill and a knowledge area in O*NET: two skills, told apart by id.
        let d = app
            .data(
                r#"{ skills(filter: { kind: [KNOWLEDGE] }, first: 100) { nodes { slug onetElementId } } }"#,
                json!({}),
            )
            .await;
        let knowledge: Vec<&Value> = d["skills"]["nodes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|n| n["onetElementId"] == "2.C.4.a")
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(knowledge.len(), 1, "{d}");
        let again = onet(&app, dir.path()).await;
        assert!(again.is_noop(), "{}", again.summary());
        app.cleanup().await;
    }
}

/// The step that makes `role_skill.level` nullable rebuilds the table on SQLite: rows written
/// before it survive with their levels, and imported edges without a level fit afterwards.
#[tokio::test]
async fn the_role_edge_rebuild_keeps_existing_rows() {
    use migration::MigratorTrait;
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let db = skillgraph::db::connect(&url, 1).await.expect("connect");
    migration::Migrator::up(&db, Some(1))
        .await
        .expect("first step");
    for sql in [
        "INSERT INTO skill (id, slug, name, kind, created_at, updated_at) VALUES (1, 'sql', 'SQL', 'language', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO role (id, slug, name, created_at, updated_at) VALUES (1, 'dba', 'DBA', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        "INSERT INTO role_skill (role_id, skill_id, importance, level, created_at, updated_at) VALUES (1, 1, 'essential', 4, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    ] {
        db.execute_unprepared(sql).await.expect("old row");
    }
    migration::Migrator::up(&db, None)
        .await
        .expect("later steps");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT importance, level, source_id FROM role_skill WHERE role_id = 1 AND skill_id = 1",
        ))
        .await
        .expect("query")
        .expect("the old edge");
    assert_eq!(
        row.try_get::<String>("", "importance").expect("importance"),
        "essential"
    );
    assert_eq!(
        row.try_get::<Option<i32>>("", "level").expect("level"),
        Some(4)
    );
    assert_eq!(
        row.try_get::<Option<i64>>("", "source_id").expect("source"),
        None
    );
    db.execute_unprepared("DELETE FROM role_skill")
        .await
        .expect("delete");
    db.execute_unprepared(
        "INSERT INTO role_skill (role_id, skill_id, importance, created_at, updated_at) VALUES (1, 1, 'optional', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await
    .expect("an edge without a level");
    let bad = db
        .execute_unprepared("UPDATE role_skill SET level = 9 WHERE role_id = 1")
        .await;
    assert!(bad.is_err(), "the level check survives the rebuild");
    db.close().await.ok();
}

/// The related occupations of the O*NET excerpt between the occupations it has, as
/// `(code, related code, TIER, index)` read from the file itself.
fn related_in_file(dir: &Path) -> Vec<(String, String, String, i64)> {
    let codes: Vec<String> = std::fs::read_to_string(dir.join("Occupation Data.txt"))
        .expect("Occupation Data")
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next().map(str::to_owned))
        .collect();
    let mut out: Vec<_> = std::fs::read_to_string(dir.join("Related Occupations.txt"))
        .expect("Related Occupations")
        .lines()
        .skip(1)
        .map(|l| {
            l.trim_end()
                .split('\t')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|f| codes.contains(&f[0]) && codes.contains(&f[2]))
        .map(|f| {
            (
                f[0].clone(),
                f[2].clone(),
                f[4].to_ascii_uppercase().replace('-', "_"),
                f[5].parse().expect("index"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every related-role link of the imported O*NET roles, read through `related`, and through
/// `relatedFrom` turned round: both as `(code, related code, tier, index)`.
async fn related_in_api(
    app: &TestApp,
) -> (
    Vec<(String, String, Value, Value)>,
    Vec<(String, String, Value, Value)>,
) {
    let d = app
        .data(
            r#"{ roles(first: 40) { nodes { onetSocCode source { name }
                 related(first: 20) { edges { tier index node { onetSocCode } } }
                 relatedFrom(first: 20) { edges { tier index node { onetSocCode } } } } } }"#,
            json!({}),
        )
        .await;
    let (mut out, mut inverse) = (Vec::new(), Vec::new());
    for r in d["roles"]["nodes"].as_array().cloned().unwrap_or_default() {
        if r["source"]["name"] != "ONET" {
            continue;
        }
        let code = r["onetSocCode"].as_str().unwrap_or("").to_owned();
        for e in r["related"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let other = e["node"]["onetSocCode"].as_str().unwrap_or("").to_owned();
            out.push((code.clone(), other, e["tier"].clone(), e["index"].clone()));
        }
        for e in r["relatedFrom"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let other = e["node"]["onetSocCode"].as_str().unwrap_or("").to_owned();
            inverse.push((other, code.clone(), e["tier"].clone(), e["index"].clone()));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    inverse.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    (out, inverse)
}

fn as_api(file: &[(String, String, String, i64)]) -> Vec<(String, String, Value, Value)> {
    file.iter()
        .map(|(a, b, t, i)| (a.clone(), b.clone(), json!(t), json!(i)))
        .collect()
}

#[tokio::test]
async fn onet_related_occupations_keep_their_tier_and_index() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let dir = fixture("onet/29.3");
        onet(&app, &dir).await;
        let file = related_in_file(&dir);
        // The excerpt has both primary tiers among its four occupations.
        assert_eq!(file.len(), 7, "{file:?}");
        assert!(
            file.iter().any(|r| r.2 == "PRIMARY_LONG")
                && file.iter().any(|r| r.2 == "PRIMARY_SHORT")
        );
        let (related, inverse) = related_in_api(&app).await;
        assert_eq!(related, as_api(&file), "[{engine:?}] related");
        assert_eq!(inverse, as_api(&file), "[{engine:?}] relatedFrom");
        // Both directions page like every connection.
        let page = r#"query($a: String, $b: String) { role(by: { slug: "software-developers" }) {
            related(first: 1, after: $a) { totalCount pageInfo { hasNextPage endCursor } nodes { onetSocCode } }
            relatedFrom(first: 2, after: $b) { totalCount pageInfo { hasNextPage endCursor } nodes { onetSocCode } } } }"#;
        let p1 = app.data(page, json!({})).await;
        let r = &p1["role"];
        assert_eq!(
            (&r["related"]["totalCount"], &r["relatedFrom"]["totalCount"]),
            (&json!(2), &json!(3)),
            "{p1}"
        );
        assert_eq!(r["related"]["pageInfo"]["hasNextPage"], true);
        let p2 = app
            .data(
                page,
                json!({ "a": r["related"]["pageInfo"]["endCursor"], "b": r["relatedFrom"]["pageInfo"]["endCursor"] }),
            )
            .await;
        let codes = |v: &Value| -> Vec<String> {
            v["nodes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n["onetSocCode"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut related = codes(&r["related"]);
        related.extend(codes(&p2["role"]["related"]));
        related.sort();
        assert_eq!(related, ["15-1211.00", "15-1254.00"], "{p2}");
        let mut from = codes(&r["relatedFrom"]);
        from.extend(codes(&p2["role"]["relatedFrom"]));
        from.sort();
        assert_eq!(from, ["15-1211.00", "15-1221.00", "15-1254.00"], "{p2}");
        assert_eq!(p2["role"]["related"]["pageInfo"]["hasNextPage"], false);
        // Tier and index of a whole level cost one statement more, however many roles.
        let count = |q: &'static str| {
            let app = &app;
            async move {
                app.reset_statements();
                app.data(q, json!({})).await;
                app.statements().0
            }
        };
        let plain = count(
            "{ roles(first: 40) { nodes { related(first: 20) { edges { node { slug } } } } } }",
        )
        .await;
        let tiered = count("{ roles(first: 40) { nodes { related(first: 20) { edges { tier index node { slug } } } } } }").await;
        assert_eq!(tiered, plain + 1, "[{engine:?}]");

        // A curator's link between imported roles has no tier; one over an imported link keeps
        // the link's tier; either way the payload's edge is the connection's.
        let q = |role: &str| {
            format!(
                r#"{{ role(by: {{ slug: "{role}" }}) {{ related(first: 100) {{ edges {{ cursor tier index node {{ slug }} }} }} skills(first: 100) {{ edges {{ cursor importance level hotTechnology inDemand node {{ slug }} }} }} }} }}"#
            )
        };
        let p = app
            .admin_ok(
                r#"mutation {
                  cur: linkRelatedRoles(role: { slug: "web-developers" }, related: { slug: "computer-and-information-research-scientists" }) { edge { cursor tier index node { slug } } userErrors { code } }
                  imp: linkRelatedRoles(role: { slug: "software-developers" }, related: { slug: "computer-systems-analysts" }) { edge { cursor tier index node { slug } } userErrors { code } }
                  req: linkRoleSkill(role: { slug: "software-developers" }, skill: { slug: "python" }, importance: ESSENTIAL, level: 3) { edge { cursor importance level hotTechnology inDemand node { slug } } userErrors { code } }
                }"#,
                json!({}),
            )
            .await;
        let web = app.data(&q("web-developers"), json!({})).await;
        let sd = app.data(&q("software-developers"), json!({})).await;
        let find = |conn: &Value, slug: &str| -> Value {
            conn["edges"]
                .as_array()
                .and_then(|a| a.iter().find(|e| e["node"]["slug"] == slug).cloned())
                .unwrap_or(Value::Null)
        };
        let cur = find(
            &web["role"]["related"],
            "computer-and-information-research-scientists",
        );
        assert_eq!(p["cur"]["edge"], cur, "[{engine:?}] {web}");
        assert_eq!((&cur["tier"], &cur["index"]), (&Value::Null, &Value::Null));
        let imp = find(&sd["role"]["related"], "computer-systems-analysts");
        assert_eq!(p["imp"]["edge"], imp, "[{engine:?}] {sd}");
        assert_eq!(
            (&imp["tier"], &imp["index"]),
            (&json!("PRIMARY_SHORT"), &json!(3))
        );
        // The requirement edge keeps O*NET's market flags when a curator sets it.
        let req = find(&sd["role"]["skills"], "python");
        assert_eq!(p["req"]["edge"], req, "[{engine:?}] {sd}");
        assert_eq!(
            (&req["importance"], &req["level"], &req["hotTechnology"]),
            (&json!("ESSENTIAL"), &json!(3), &json!(true))
        );

        // A database imported before tiers were kept (tiers NULL) is filled by a re-import, and
        // a tier the file changes is updated; the curated link stays without one.
        app.db
            .execute_unprepared(
                "UPDATE role_related SET relatedness_tier = NULL, relatedness_index = NULL",
            )
            .await
            .expect("clear tiers");
        let copy = copy_dir(&dir);
        let path = copy.path().join("Related Occupations.txt");
        let text = std::fs::read_to_string(&path).expect("read");
        let changed = text.replace(
            "15-1252.00\tSoftware Developers\t15-1254.00\tWeb Developers\tPrimary-Long\t9",
            "15-1252.00\tSoftware Developers\t15-1254.00\tWeb Developers\tSupplemental\t12",
        );
        assert_ne!(changed, text);
        std::fs::write(&path, changed).expect("write");
        onet(&app, copy.path()).await;
        let mut expected = file.clone();
        for r in &mut expected {
            if r.0 == "15-1252.00" && r.1 == "15-1254.00" {
                (r.2, r.3) = ("SUPPLEMENTAL".into(), 12);
            }
        }
        expected.push((
            "15-1254.00".into(),
            "15-1221.00".into(),
            "CURATED".into(),
            0,
        ));
        expected.sort();
        let expected: Vec<_> = as_api(&expected)
            .into_iter()
            .map(|(a, b, t, i)| {
                if t == "CURATED" {
                    (a, b, Value::Null, Value::Null)
                } else {
                    (a, b, t, i)
                }
            })
            .collect();
        let (related, inverse) = related_in_api(&app).await;
        assert_eq!(related, expected, "[{engine:?}] after re-import");
        assert_eq!(
            inverse, expected,
            "[{engine:?}] relatedFrom after re-import"
        );
        app.cleanup().await;
    }
}

/// The full O*NET release, when present: `SKILLGRAPH_REAL_DATA`, else `../shared/data` or
/// `../../shared/data` beside the repository.
fn real_onet() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var("SKILLGRAPH_REAL_DATA")
        .ok()
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/data"), root.join("../../shared/data")])
        .map(|d| d.join("onet-29.3"))
        .find(|d| d.is_dir())
}

#[tokio::test]
async fn onet_tiers_of_the_full_release_match_its_file() {
    let Some(dir) = real_onet() else {
        println!(
            "onet_tiers_of_the_full_release_match_its_file: ../shared/data not found, skipped"
        );
        return;
    };
    let file = related_in_file(&dir);
    let mut by_tier: std::collections::BTreeMap<String, i64> = Default::default();
    for r in &file {
        *by_tier.entry(r.2.clone()).or_default() += 1;
    }
    // O*NET 29.3: 4,615 Primary-Short, 4,615 Primary-Long, 9,230 Supplemental.
    assert_eq!(file.len(), 18_460);
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        onet(&app, &dir).await;
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                app.backend(),
                "SELECT relatedness_tier AS t, COUNT(*) AS n FROM role_related \
                 WHERE source_id IS NOT NULL GROUP BY relatedness_tier",
            ))
            .await
            .expect("tiers");
        let stored: std::collections::BTreeMap<String, i64> = rows
            .iter()
            .map(|r| {
                let t: Option<String> = r.try_get("", "t").expect("t");
                let n: i64 = r.try_get("", "n").expect("n");
                (
                    t.unwrap_or_default().to_ascii_uppercase().replace('-', "_"),
                    n,
                )
            })
            .collect();
        assert_eq!(stored, by_tier, "[{engine:?}]");
        // One list through GraphQL: Software Developers' twenty, tier and index as in the file.
        let d = app
            .data(
                r#"{ role(by: { slug: "software-developers" }) { related(first: 20) { totalCount edges { tier index node { onetSocCode } } } } }"#,
                json!({}),
            )
            .await;
        let mut got: Vec<(String, String, Value, Value)> = d["role"]["related"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|e| {
                (
                    "15-1252.00".to_owned(),
                    e["node"]["onetSocCode"].as_str().unwrap_or("").to_owned(),
                    e["tier"].clone(),
                    e["index"].clone(),
                )
            })
            .collect();
        got.sort_by(|a, b| a.1.cmp(&b.1));
        let want: Vec<_> = as_api(&file)
            .into_iter()
            .filter(|r| r.0 == "15-1252.00")
            .collect();
        assert_eq!(want.len(), 20);
        assert_eq!(got, want, "[{engine:?}] {d}");
        app.cleanup().await;
    }
}
