//! Learning paths, skill gaps, related skills and skill chains, on hand-built graphs whose
//! answers are worked out by hand, on the curated catalog, and with statement counts pinned.
use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use serde_json::{json, Value as Json};
use skillgraph::{catalog::seed, db::stmt};

use crate::helpers::{engines, first_code, r, rs, Engine, TestApp};

/// A role's requirements: (skill, importance, level).
type Requirements<'a> = &'a [(&'a str, &'a str, i32)];

/// A small graph, built through the curator API.
#[derive(Default)]
struct Graph<'a> {
    skills: &'a [&'a str],
    languages: &'a [&'a str],
    /// (skill, prerequisite)
    prerequisites: &'a [(&'a str, &'a str)],
    /// (skill, broader)
    broader: &'a [(&'a str, &'a str)],
    related: &'a [(&'a str, &'a str)],
    /// (role, [(skill, importance, level)])
    roles: &'a [(&'a str, Requirements<'a>)],
    /// (framework, language, skills)
    frameworks: &'a [(&'a str, &'a str, &'a [&'a str])],
    /// (role, framework, importance, level)
    role_frameworks: &'a [(&'a str, &'a str, &'a str, i32)],
}

/// "base" → "Base": names sort like slugs, so name tie-breaks are easy to follow.
fn name_of(slug: &str) -> String {
    let mut c = slug.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

async fn build(app: &TestApp, g: &Graph<'_>) {
    let mut m = Vec::new();
    for s in g.skills.iter().chain(g.languages) {
        let kind = if g.languages.contains(s) {
            "LANGUAGE"
        } else {
            "CONCEPT"
        };
        m.push(format!(
            r#"createSkill(input: {{ slug: "{s}", name: "{}", kind: {kind} }}) {{ skill {{ slug }} userErrors {{ code message }} }}"#,
            name_of(s)
        ));
    }
    for (s, p) in g.prerequisites {
        m.push(format!(
            r#"linkPrerequisite(skill: {{ slug: "{s}" }}, prerequisite: {{ slug: "{p}" }}) {{ skill {{ slug }} userErrors {{ code message }} }}"#
        ));
    }
    for (s, b) in g.broader {
        m.push(format!(
            r#"linkBroaderSkill(skill: {{ slug: "{s}" }}, broader: {{ slug: "{b}" }}) {{ skill {{ slug }} userErrors {{ code message }} }}"#
        ));
    }
    for (s, r) in g.related {
        m.push(format!(
            r#"linkRelatedSkills(skill: {{ slug: "{s}" }}, related: {{ slug: "{r}" }}) {{ skill {{ slug }} userErrors {{ code message }} }}"#
        ));
    }
    for (f, lang, skills) in g.frameworks {
        m.push(format!(
            r#"createFramework(input: {{ slug: "{f}", name: "{}", language: {{ slug: "{lang}" }}, category: WEB_FRAMEWORK }}) {{ framework {{ slug }} userErrors {{ code message }} }}"#,
            name_of(f)
        ));
        for s in *skills {
            m.push(format!(
                r#"linkFrameworkSkill(framework: {{ slug: "{f}" }}, skill: {{ slug: "{s}" }}) {{ framework {{ slug }} userErrors {{ code message }} }}"#
            ));
        }
    }
    for (r, reqs) in g.roles {
        let name = if *r == "dev" {
            "Developer".to_owned()
        } else {
            name_of(r)
        };
        m.push(format!(
            r#"createRole(input: {{ slug: "{r}", name: "{name}" }}) {{ role {{ slug }} userErrors {{ code message }} }}"#
        ));
        for (s, imp, level) in *reqs {
            m.push(format!(
                r#"linkRoleSkill(role: {{ slug: "{r}" }}, skill: {{ slug: "{s}" }}, importance: {imp}, level: {level}) {{ role {{ slug }} userErrors {{ code message }} }}"#
            ));
        }
    }
    for (r, f, imp, level) in g.role_frameworks {
        m.push(format!(
            r#"linkRoleFramework(role: {{ slug: "{r}" }}, framework: {{ slug: "{f}" }}, importance: {imp}, level: {level}) {{ role {{ slug }} userErrors {{ code message }} }}"#
        ));
    }
    let body: Vec<String> = m
        .iter()
        .enumerate()
        .map(|(i, f)| format!("m{i}: {f}"))
        .collect();
    app.admin_ok(&format!("mutation {{ {} }}", body.join("\n")), json!({}))
        .await;
}

/// A diamond (top needs left and right, both need base) plus optional requirements.
/// Demand: extra 2 (dev, other), right 1 (other), top 1, opt 1, left 0, base 0.
const DIAMOND: Graph<'static> = Graph {
    skills: &["base", "left", "right", "top", "extra", "opt", "lonely"],
    languages: &[],
    prerequisites: &[
        ("top", "left"),
        ("top", "right"),
        ("left", "base"),
        ("right", "base"),
        ("opt", "base"),
    ],
    broader: &[],
    related: &[],
    roles: &[
        (
            "dev",
            &[
                ("top", "ESSENTIAL", 4),
                ("opt", "OPTIONAL", 2),
                ("extra", "OPTIONAL", 1),
            ],
        ),
        (
            "other",
            &[("right", "ESSENTIAL", 2), ("extra", "OPTIONAL", 3)],
        ),
        ("empty-role", &[]),
    ],
    frameworks: &[],
    role_frameworks: &[],
};

const PATH: &str = r#"query($t: LearningTarget!, $k: [PathNodeRef!]) {
  learningPath(target: $t, known: $k) {
    role { slug } skill { slug }
    steps {
      position skill { slug } requirement importance level demand
      pulledInBy { slug } unlocks { slug } reason
    }
    known { slug }
    satisfied { slug }
  }
}"#;

fn step_slugs(path: &Json) -> Vec<String> {
    path["steps"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["skill"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn list_slugs(list: &Json) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn learning_path_orders_a_diamond_by_prerequisites_importance_demand_and_name() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &DIAMOND).await;
        let d = app
            .data(PATH, json!({ "t": { "role": {"slug": "dev"} } }))
            .await;
        let path = &d["learningPath"];
        // base first (everything needs it); right before left (demand 1 vs 0); the essential
        // top before any optional step; extra before opt (demand 2 vs 1).
        assert_eq!(
            step_slugs(path),
            ["base", "right", "left", "top", "extra", "opt"],
            "[{engine:?}]"
        );
        insta::assert_json_snapshot!("learning_path_diamond", path);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn known_skills_and_what_they_imply_are_left_out() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &DIAMOND).await;
        let id = app
            .data(r#"{ skill(by: { slug: "left" }) { id } }"#, json!({}))
            .await["skill"]["id"]
            .clone();
        // Knowing left (by global id) implies base: that branch is cut.
        let d = app
            .data(
                PATH,
                json!({ "t": { "role": {"slug": "dev"} }, "k": rs(&[id]) }),
            )
            .await;
        let path = &d["learningPath"];
        assert_eq!(
            step_slugs(path),
            ["right", "top", "extra", "opt"],
            "[{engine:?}]"
        );
        assert_eq!(list_slugs(&path["known"]), ["left"]);
        assert_eq!(list_slugs(&path["satisfied"]), Vec::<String>::new());
        assert_eq!(
            path["steps"][0]["reason"], "Prerequisite of Top",
            "[{engine:?}] {path}"
        );

        // Knowing top covers the whole diamond, opt's prerequisite included.
        let d = app
            .data(
                PATH,
                json!({ "t": { "role": {"slug": "dev"} }, "k": rs(&["top", "extra", "top"]) }),
            )
            .await;
        let path = &d["learningPath"];
        assert_eq!(step_slugs(path), ["opt"]);
        assert_eq!(list_slugs(&path["known"]), ["top", "extra"]);
        assert_eq!(list_slugs(&path["satisfied"]), ["top", "extra"]);
        assert_eq!(path["steps"][0]["unlocks"], json!([]));
        assert_eq!(
            path["steps"][0]["reason"],
            "Optional for Developer at level 2"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn learning_path_to_a_skill_and_unreachable_targets() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &DIAMOND).await;
        let d = app
            .data(PATH, json!({ "t": { "skill": {"slug": "top"} } }))
            .await;
        let path = &d["learningPath"];
        assert_eq!(path["skill"]["slug"], "top");
        assert_eq!(path["role"], Json::Null);
        assert_eq!(step_slugs(path), ["base", "right", "left", "top"]);
        assert_eq!(
            path["steps"][0],
            json!({
                "position": 1, "skill": { "slug": "base" }, "requirement": false,
                "importance": null, "level": null, "demand": 0,
                "pulledInBy": [{ "slug": "top" }],
                "unlocks": [{ "slug": "right" }, { "slug": "left" }],
                "reason": "Prerequisite of Right, Left, on the way to Top"
            })
        );
        assert_eq!(
            path["steps"][3],
            json!({
                "position": 4, "skill": { "slug": "top" }, "requirement": true,
                "importance": null, "level": null, "demand": 1,
                "pulledInBy": [], "unlocks": [], "reason": "The target skill"
            })
        );

        // Known skills unconnected to the target do not shorten its path.
        let d = app
            .data(
                PATH,
                json!({ "t": { "skill": {"slug": "lonely"} }, "k": rs(&["top"]) }),
            )
            .await;
        assert_eq!(step_slugs(&d["learningPath"]), ["lonely"]);
        // A target implied by a known skill needs nothing.
        let d = app
            .data(
                PATH,
                json!({ "t": { "skill": {"slug": "base"} }, "k": rs(&["top"]) }),
            )
            .await;
        assert_eq!(step_slugs(&d["learningPath"]), Vec::<String>::new());
        assert_eq!(list_slugs(&d["learningPath"]["satisfied"]), ["base"]);
        // A role requiring nothing.
        let d = app
            .data(PATH, json!({ "t": { "role": {"slug": "empty-role"} } }))
            .await;
        assert_eq!(d["learningPath"]["steps"], json!([]));

        // Unknown names are errors, not empty paths.
        let r = app
            .post(PATH, json!({ "t": { "role": {"slug": "nobody"} } }), None)
            .await
            .json();
        assert_eq!(first_code(&r), "NOT_FOUND", "[{engine:?}] {r}");
        let r = app
            .post(
                PATH,
                json!({ "t": { "role": {"slug": "dev"} }, "k": rs(&["top", "nope"]) }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "NOT_FOUND");
        assert_eq!(
            r["errors"][0]["message"],
            "skill or framework 'nope' not found"
        );
        // Any string is looked up literally, quotes, commas and braces included.
        let odd = r#"a"b,{c}\d'"#;
        let r = app
            .post(
                PATH,
                json!({ "t": { "role": {"slug": "dev"} }, "k": rs(&[odd, "top"]) }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "NOT_FOUND", "[{engine:?}] {r}");
        assert_eq!(
            r["errors"][0]["message"],
            format!("skill or framework '{odd}' not found")
        );
        let role_id = app
            .data(r#"{ role(by: { slug: "dev" }) { id } }"#, json!({}))
            .await["role"]["id"]
            .clone();
        let r = app
            .post(
                PATH,
                json!({ "t": { "skill": crate::helpers::r(&role_id) } }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "VALIDATION", "{r}");
        // The target names exactly one thing (@oneOf).
        let r = app
            .post(
                r#"{ learningPath(target: { role: { slug: "dev" }, skill: { slug: "top" } }) { steps { position } } }"#,
                json!({}),
                None,
            )
            .await;
        let v = r.json();
        assert_eq!(r.status, 400, "[{engine:?}] {v}");
        assert!(v.get("data").is_none() && v["errors"][0]["message"].is_string());
        app.cleanup().await;
    }
}

const GAP_GRAPH: Graph<'static> = Graph {
    skills: &["a", "b", "c", "d", "e", "f", "h"],
    languages: &["lang-one", "lang-two"],
    prerequisites: &[("b", "a")],
    broader: &[],
    related: &[],
    roles: &[
        (
            "dev",
            &[
                ("a", "ESSENTIAL", 3),
                ("b", "ESSENTIAL", 3),
                ("c", "ESSENTIAL", 2),
                ("f", "ESSENTIAL", 4),
                ("d", "OPTIONAL", 2),
                ("e", "OPTIONAL", 1),
                ("h", "OPTIONAL", 3),
            ],
        ),
        ("other", &[("f", "ESSENTIAL", 1), ("e", "OPTIONAL", 2)]),
        ("empty-role", &[]),
    ],
    frameworks: &[
        ("fw-one", "lang-one", &["a", "d"]),
        ("fw-two", "lang-two", &["b"]),
    ],
    role_frameworks: &[
        ("dev", "fw-one", "ESSENTIAL", 3),
        ("dev", "fw-two", "OPTIONAL", 2),
    ],
};

const GAP: &str = r#"query($r: RoleRef!, $k: [PathNodeRef!]) {
  skillGap(role: $r, known: $k) {
    role { slug } known { slug }
    essential { required covered missing percent }
    optional { required covered missing percent }
    missingEssential { node { __typename slug } level demand }
    missingOptional { node { __typename slug } level demand }
    frameworks { framework { slug } importance level skills covered percent missing { slug } }
  }
}"#;

#[tokio::test]
async fn skill_gap_reports_coverage_missing_skills_and_framework_fit() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &GAP_GRAPH).await;
        // Knowing b implies a: essentials a and b covered (2 of 5: the essential framework
        // fw-one counts too), optional h (1 of 3: fw-two is optional, in a language neither
        // known nor required, so it does not count).
        let d = app
            .data(GAP, json!({ "r": {"slug": "dev"}, "k": rs(&["b", "h"]) }))
            .await;
        let gap = &d["skillGap"];
        assert_eq!(
            gap["essential"],
            json!({ "required": 5, "covered": 2, "missing": 3, "percent": 40.0 }),
            "[{engine:?}]"
        );
        assert_eq!(
            gap["optional"],
            json!({ "required": 3, "covered": 1, "missing": 2, "percent": 33.3 })
        );
        // By demand: f is required by two roles, c by one.
        assert_eq!(
            gap["missingEssential"],
            json!([
                { "node": { "__typename": "Skill", "slug": "f" }, "level": 4, "demand": 2 },
                { "node": { "__typename": "Skill", "slug": "c" }, "level": 2, "demand": 1 },
                { "node": { "__typename": "Framework", "slug": "fw-one" }, "level": 3, "demand": 1 }
            ]),
            "[{engine:?}]"
        );
        assert_eq!(
            gap["missingOptional"],
            json!([
                { "node": { "__typename": "Skill", "slug": "e" }, "level": 1, "demand": 2 },
                { "node": { "__typename": "Skill", "slug": "d" }, "level": 2, "demand": 1 }
            ])
        );
        // fw-two: b of {lang-two, b}; fw-one: a of {lang-one, a, d}.
        assert_eq!(
            gap["frameworks"],
            json!([
                { "framework": { "slug": "fw-two" }, "importance": "OPTIONAL", "level": 2,
                  "skills": 2, "covered": 1, "percent": 50.0, "missing": [{ "slug": "lang-two" }] },
                { "framework": { "slug": "fw-one" }, "importance": "ESSENTIAL", "level": 3,
                  "skills": 3, "covered": 1, "percent": 33.3,
                  "missing": [{ "slug": "d" }, { "slug": "lang-one" }] }
            ])
        );

        let d = app.data(GAP, json!({ "r": {"slug": "dev"} })).await;
        assert_eq!(d["skillGap"]["essential"]["percent"], 0.0);
        assert_eq!(d["skillGap"]["missingEssential"][0]["node"]["slug"], "f");
        let d = app
            .data(GAP, json!({ "r": {"slug": "empty-role"}, "k": rs(&["a"]) }))
            .await;
        assert_eq!(
            d["skillGap"]["essential"],
            json!({ "required": 0, "covered": 0, "missing": 0, "percent": 100.0 })
        );
        let r = app
            .post(GAP, json!({ "r": {"slug": "nobody"} }), None)
            .await
            .json();
        assert_eq!(first_code(&r), "NOT_FOUND");
        app.cleanup().await;
    }
}

const RELATED_GRAPH: Graph<'static> = Graph {
    skills: &["x", "p1", "p2", "y", "z", "w", "v"],
    languages: &[],
    prerequisites: &[],
    broader: &[
        ("x", "p1"),
        ("x", "p2"),
        ("y", "p1"),
        ("v", "p1"),
        ("v", "p2"),
    ],
    related: &[("x", "z")],
    roles: &[
        (
            "r1",
            &[
                ("x", "ESSENTIAL", 3),
                ("w", "OPTIONAL", 3),
                ("y", "OPTIONAL", 3),
            ],
        ),
        ("r2", &[("x", "ESSENTIAL", 3), ("w", "ESSENTIAL", 3)]),
        ("r3", &[("w", "ESSENTIAL", 3)]),
    ],
    frameworks: &[],
    role_frameworks: &[],
};

const RELATED: &str = r#"query($s: PathNodeRef!, $n: Int) {
  relatedSkills(skill: $s, first: $n) {
    skill { slug } score
    components {
      related { value weight contribution evidence }
      sharedBroader { value weight contribution evidence }
      coRequirement { value weight contribution evidence }
      postings { value weight contribution evidence }
    }
  }
}"#;

#[tokio::test]
async fn related_skills_expose_every_component_of_the_score() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &RELATED_GRAPH).await;
        let d = app.data(RELATED, json!({ "s": {"slug": "x"} })).await;
        let list = &d["relatedSkills"];
        // z: curated (0.4). y: broader 1/2 and roles 1/2 (0.1 + 0.15). v: same broader set
        // (0.2). w: roles 2/3 (0.2). v and w tie and go by name.
        let ranked: Vec<(String, f64)> = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["skill"]["slug"].as_str().unwrap_or("").to_owned(),
                    r["score"].as_f64().unwrap_or(-1.0),
                )
            })
            .collect();
        assert_eq!(
            ranked,
            [
                ("z".to_owned(), 0.4),
                ("y".to_owned(), 0.25),
                ("v".to_owned(), 0.2),
                ("w".to_owned(), 0.2)
            ],
            "[{engine:?}]"
        );
        insta::assert_json_snapshot!("related_skills_x", list);

        let d = app
            .data(RELATED, json!({ "s": {"slug": "x"}, "n": 2 }))
            .await;
        assert_eq!(d["relatedSkills"].as_array().map(Vec::len), Some(2));
        for n in [0, 101] {
            let r = app
                .post(RELATED, json!({ "s": {"slug": "x"}, "n": n }), None)
                .await
                .json();
            assert_eq!(first_code(&r), "VALIDATION", "{r}");
        }
        let d = app.data(RELATED, json!({ "s": {"slug": "p1"} })).await;
        assert_eq!(
            d["relatedSkills"],
            json!([]),
            "a parent is nobody's sibling"
        );
        app.cleanup().await;
    }
}

/// x is co-required with 400 skills by one role: every one scores the same, so the page is the
/// first ten by name — the ten with the highest ids. The first pass only scores the 300 most
/// co-required (by id on a tie), cannot prove them enough, and scores everything.
#[tokio::test]
async fn related_skills_stay_exact_when_hundreds_are_co_required() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        let txn = app.db.begin().await.expect("begin");
        let b = txn.get_database_backend();
        let now = || Value::from(chrono::Utc::now());
        for i in 0..=400i64 {
            // Names run against ids: skill 400 is "n-000", skill 1 is "n-399".
            let (slug, name) = if i == 0 {
                ("x".to_owned(), "X".to_owned())
            } else {
                (format!("c-{i:03}"), format!("n-{:03}", 400 - i))
            };
            txn.execute_raw(stmt(
                b,
                "INSERT INTO skill (id, slug, name, kind, created_at, updated_at) VALUES (?, ?, ?, 'concept', ?, ?)",
                vec![(i + 1).into(), slug.into(), name.into(), now(), now()],
            ))
            .await
            .expect("skill");
        }
        txn.execute_raw(stmt(
            b,
            "INSERT INTO role (id, slug, name, created_at, updated_at) VALUES (1, 'r', 'R', ?, ?)",
            vec![now(), now()],
        ))
        .await
        .expect("role");
        for i in 0..=400i64 {
            txn.execute_raw(stmt(
                b,
                "INSERT INTO role_skill (role_id, skill_id, importance, level, created_at, updated_at) VALUES (1, ?, 'essential', 3, ?, ?)",
                vec![(i + 1).into(), now(), now()],
            ))
            .await
            .expect("role_skill");
        }
        txn.commit().await.expect("commit");
        app.reset_statements();
        let d = app
            .data(
                r#"{ relatedSkills(skill: { slug: "x" }, first: 3) { skill { slug name } score } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            d["relatedSkills"],
            json!([
                { "skill": { "slug": "c-400", "name": "n-000" }, "score": 0.3 },
                { "skill": { "slug": "c-399", "name": "n-001" }, "score": 0.3 },
                { "skill": { "slug": "c-398", "name": "n-002" }, "score": 0.3 }
            ]),
            "[{engine:?}]"
        );
        // Eight statements, the exact second pass two more (one per kind of candidate), and
        // the stored list's read (a miss) and write (tests/api/related_cooc.rs).
        assert_eq!(
            app.statements().0,
            12,
            "[{engine:?}] the exact second pass ran"
        );
        app.cleanup().await;
    }
}

const CHAIN_GRAPH: Graph<'static> = Graph {
    skills: &["top", "left", "right", "base", "cat", "topcat", "island"],
    languages: &[],
    prerequisites: &[
        ("top", "left"),
        ("top", "right"),
        ("left", "base"),
        ("right", "base"),
    ],
    broader: &[("left", "cat"), ("cat", "topcat"), ("right", "topcat")],
    related: &[],
    roles: &[],
    frameworks: &[],
    role_frameworks: &[],
};

const CHAIN: &str = r#"query($a: PathNodeRef!, $b: PathNodeRef!) {
  skillPath(from: $a, to: $b) { from { slug } to { slug } length hops { from { slug } to { slug } link relation } }
}"#;

/// "a -RELATION-> b" per hop.
fn hops(path: &Json) -> Vec<String> {
    path["hops"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            format!(
                "{} -{}/{}-> {}",
                h["from"]["slug"].as_str().unwrap_or(""),
                h["link"].as_str().unwrap_or(""),
                h["relation"].as_str().unwrap_or(""),
                h["to"]["slug"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test]
async fn skill_path_follows_both_link_types_either_way_or_is_null() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(&app, &CHAIN_GRAPH).await;
        let cases: &[(&str, &str, &[&str])] = &[
            // Two equally short chains: left before right by slug.
            (
                "top",
                "base",
                &[
                    "top -PREREQUISITE/PREREQUISITE-> left",
                    "left -PREREQUISITE/PREREQUISITE-> base",
                ],
            ),
            (
                "base",
                "top",
                &[
                    "base -PREREQUISITE/REQUIRED_BY-> left",
                    "left -PREREQUISITE/REQUIRED_BY-> top",
                ],
            ),
            // Both link types in one chain; the shorter one through right wins.
            (
                "top",
                "topcat",
                &[
                    "top -PREREQUISITE/PREREQUISITE-> right",
                    "right -BROADER/BROADER-> topcat",
                ],
            ),
            (
                "left",
                "topcat",
                &[
                    "left -BROADER/BROADER-> cat",
                    "cat -BROADER/BROADER-> topcat",
                ],
            ),
            ("cat", "left", &["cat -BROADER/NARROWER-> left"]),
            ("top", "top", &[]),
        ];
        for (a, b, expected) in cases {
            let d = app.data(CHAIN, json!({ "a": r(&a), "b": r(&b) })).await;
            let p = &d["skillPath"];
            assert_eq!(hops(p), *expected, "[{engine:?}] {a} → {b}: {p}");
            assert_eq!(p["length"], expected.len());
            assert_eq!(
                (p["from"]["slug"].as_str(), p["to"]["slug"].as_str()),
                (Some(*a), Some(*b))
            );
        }
        // Siblings (left and right share base) are not chained; nor is an island.
        for (a, b) in [("left", "right"), ("island", "top"), ("base", "cat")] {
            let d = app.data(CHAIN, json!({ "a": r(&a), "b": r(&b) })).await;
            assert_eq!(d["skillPath"], Json::Null, "[{engine:?}] {a} → {b}");
        }
        let r = app
            .post(
                CHAIN,
                json!({ "a": {"slug": "top"}, "b": {"slug": "nope"} }),
                None,
            )
            .await
            .json();
        assert_eq!(first_code(&r), "NOT_FOUND");
        app.cleanup().await;
    }
}

/// A generated graph of `n` skills: groups of ten, each skill needing the previous one of its
/// group and having its group as broader skill; a role per five skills requiring six skills;
/// five frameworks used by every role.
async fn generate(app: &TestApp, n: usize) {
    let txn = app.db.begin().await.expect("begin");
    let b = txn.get_database_backend();
    let now = || Value::from(chrono::Utc::now());
    let groups = n / 10;
    for i in 0..n + groups {
        let slug = if i < n {
            format!("s-{i:05}")
        } else {
            format!("group-{:05}", i - n)
        };
        txn.execute_raw(stmt(
            b,
            "INSERT INTO skill (id, slug, name, kind, created_at, updated_at) VALUES (?, ?, ?, 'concept', ?, ?)",
            vec![(i as i64 + 1).into(), slug.clone().into(), slug.into(), now(), now()],
        ))
        .await
        .expect("skill");
    }
    let sid = |i: usize| i as i64 + 1;
    for i in 0..n {
        if i % 10 != 0 {
            txn.execute_raw(stmt(
                b,
                "INSERT INTO skill_prerequisite (skill_id, prerequisite_id, created_at) VALUES (?, ?, ?)",
                vec![sid(i).into(), sid(i - 1).into(), now()],
            ))
            .await
            .expect("prerequisite");
        }
        txn.execute_raw(stmt(
            b,
            "INSERT INTO skill_broader (skill_id, broader_id, created_at) VALUES (?, ?, ?)",
            vec![sid(i).into(), sid(n + i / 10).into(), now()],
        ))
        .await
        .expect("broader");
    }
    for f in 0..5usize {
        txn.execute_raw(stmt(
            b,
            "INSERT INTO framework (id, slug, name, language_id, category, created_at, updated_at) VALUES (?, ?, ?, ?, 'web-framework', ?, ?)",
            vec![(f as i64 + 1).into(), format!("fw-{f}").into(), format!("Fw {f}").into(), sid(f * 7).into(), now(), now()],
        ))
        .await
        .expect("framework");
        for s in [f * 7, f * 7 + 3] {
            txn.execute_raw(stmt(
                b,
                "INSERT INTO framework_skill (framework_id, skill_id, created_at) VALUES (?, ?, ?)",
                vec![(f as i64 + 1).into(), sid(s).into(), now()],
            ))
            .await
            .expect("framework_skill");
        }
    }
    for r in 0..n / 5 {
        let id = r as i64 + 1;
        txn.execute_raw(stmt(
            b,
            "INSERT INTO role (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                id.into(),
                format!("role-{r:05}").into(),
                format!("Role {r}").into(),
                now(),
                now(),
            ],
        ))
        .await
        .expect("role");
        for k in 0..6 {
            let s = (r * 7 + k * 13 + 9) % n;
            let imp = if k % 2 == 0 { "essential" } else { "optional" };
            txn.execute_raw(stmt(
                b,
                "INSERT INTO role_skill (role_id, skill_id, importance, level, created_at, updated_at) VALUES (?, ?, ?, 3, ?, ?) ON CONFLICT DO NOTHING",
                vec![id.into(), sid(s).into(), imp.into(), now(), now()],
            ))
            .await
            .expect("role_skill");
        }
        for f in 0..5i64 {
            txn.execute_raw(stmt(
                b,
                "INSERT INTO role_framework (role_id, framework_id, importance, level, created_at, updated_at) VALUES (?, ?, 'optional', 2, ?, ?)",
                vec![id.into(), (f + 1).into(), now(), now()],
            ))
            .await
            .expect("role_framework");
        }
    }
    txn.commit().await.expect("commit");
}

/// Each query, the most statements it may issue, and its variables.
const BOUNDED: &[(&str, usize, &str)] = &[
    (
        "query($k: [PathNodeRef!]) { learningPath(target: { role: { slug: \"role-00000\" } }, known: $k) { steps { skill { slug } pulledInBy { slug } unlocks { slug } } satisfied { slug } } }",
        9,
        "path-role",
    ),
    (
        "query($k: [PathNodeRef!]) { learningPath(target: { skill: { slug: \"s-00019\" } }, known: $k) { steps { skill { slug } } } }",
        7,
        "path-skill",
    ),
    (
        "query($k: [PathNodeRef!]) { skillGap(role: { slug: \"role-00000\" }, known: $k) { essential { percent } missingEssential { skill { slug } } frameworks { framework { slug } missing { slug } } } }",
        10,
        "gap",
    ),
    (
        "{ relatedSkills(skill: { slug: \"s-00015\" }, first: 20) { skill { slug } score } }",
        // Counted: nine, plus the stored list's read (a miss) and write.
        11,
        "related",
    ),
    (
        "{ skillPath(from: { slug: \"s-00019\" }, to: { slug: \"group-00001\" }) { hops { from { slug } to { slug } } } }",
        4,
        "chain",
    ),
];

async fn statements_for(engine: Engine, n: usize) -> Vec<(usize, Json)> {
    let app = TestApp::empty(engine).await;
    generate(&app, n).await;
    let mut out = Vec::new();
    for (q, bound, label) in BOUNDED {
        app.reset_statements();
        let d = app
            .data(q, json!({ "k": rs(&["s-00012", "s-00001"]) }))
            .await;
        let (count, log) = app.statements();
        assert!(
            count <= *bound,
            "[{engine:?}] {label}: {count} statements with {n} skills:\n{}",
            log.join("\n")
        );
        out.push((count, d));
    }
    app.cleanup().await;
    out
}

#[tokio::test]
async fn statement_counts_do_not_grow_with_the_graph() {
    for engine in engines() {
        let small = statements_for(engine, 40).await;
        let large = statements_for(engine, 2000).await;
        for (i, ((s, sd), (l, ld))) in small.iter().zip(&large).enumerate() {
            let label = BOUNDED[i].2;
            assert_eq!(s, l, "[{engine:?}] {label}: statements grew with the graph");
            eprintln!("[{engine:?}] {label}: {s} statements (40 and 2,000 skills)");
            assert_ne!(sd, &Json::Null);
            assert_ne!(ld, &Json::Null);
        }
        // The answers are real: s-00019 needs s-00010..s-00018, less what s-00012 implies.
        let path = &large[1].1["learningPath"];
        assert_eq!(
            step_slugs(path),
            ["s-00013", "s-00014", "s-00015", "s-00016", "s-00017", "s-00018", "s-00019"]
        );
        assert_eq!(
            hops(&large[4].1["skillPath"]).len(),
            1,
            "s-00019 is in group 1"
        );
    }
}

/// The curated catalog: enough prerequisite links, covering the back-end skills and every
/// framework's skills, and no cycle.
#[tokio::test]
async fn curated_catalog_has_prerequisites_for_the_back_end() {
    let cat = seed::embedded()
        .map_err(|e| e.detail())
        .expect("catalog parses");
    let prereqs: HashMap<&str, &Vec<String>> = cat
        .skills
        .iter()
        .map(|s| (s.slug.as_str(), &s.prerequisites))
        .collect();
    let edges: usize = prereqs.values().map(|v| v.len()).sum();
    assert!(edges >= 60, "only {edges} prerequisite links");
    // Where every path starts: the one foundation with nothing before it.
    let roots = HashSet::from(["programming-fundamentals"]);
    let mut must_have: Vec<(String, &str)> = Vec::new();
    for f in &cat.frameworks {
        for s in std::iter::once(&f.language).chain(&f.skills) {
            must_have.push((format!("framework {}", f.slug), s.as_str()));
        }
    }
    let backend = cat
        .roles
        .iter()
        .find(|r| r.slug == "backend-developer")
        .expect("backend-developer role");
    for e in &backend.skills {
        must_have.push(("backend-developer".into(), e.skill.as_str()));
    }
    for (who, s) in &must_have {
        assert!(
            roots.contains(s) || prereqs.get(s).is_some_and(|p| !p.is_empty()),
            "{who} needs {s}, which has no prerequisite"
        );
    }
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let row = app
            .db
            .query_one_raw(stmt(
                app.backend(),
                "SELECT COUNT(*) AS n FROM skill_prerequisite",
                vec![],
            ))
            .await
            .expect("count");
        let n: i64 = row.map(|r| r.try_get("", "n").unwrap_or(0)).unwrap_or(0);
        assert_eq!(n as usize, edges, "[{engine:?}] every link loaded");
        app.cleanup().await;
    }
}

/// "I know Python and SQL — what do I learn next to become a back-end developer?"
#[tokio::test]
async fn curated_catalog_answers_the_back_end_question() {
    let q = r#"{
      learningPath(target: { role: { slug: "backend-developer" } }, known: [{ slug: "python" }, { slug: "sql" }]) {
        steps { node { slug } skill { slug prerequisites(first: 100) { nodes { slug } } } requirement importance level }
        satisfied { slug }
      }
      role(by: { slug: "backend-developer" }) { skills(first: 100) { edges { importance node { slug } } } }
      python: skill(by: { slug: "python" }) { prerequisites(first: 100) { nodes { slug } } }
      sql: skill(by: { slug: "sql" }) { prerequisites(first: 100) { nodes { slug } } }
    }"#;
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app.data(q, json!({})).await;
        let steps = d["learningPath"]["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let order: Vec<String> = steps
            .iter()
            .filter_map(|s| s["node"]["slug"].as_str().map(str::to_owned))
            .collect();
        let position: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        // Known skills and their direct prerequisites are not steps.
        let mut implied = vec!["python".to_owned(), "sql".to_owned()];
        implied.extend(crate::helpers::slugs(&d["python"]["prerequisites"]));
        implied.extend(crate::helpers::slugs(&d["sql"]["prerequisites"]));
        for s in &implied {
            assert!(
                !position.contains_key(s.as_str()),
                "[{engine:?}] {s} is known or implied"
            );
        }
        assert!(
            crate::helpers::slugs(&json!({ "nodes": d["learningPath"]["satisfied"] }))
                .contains(&"sql".to_owned())
        );
        // Every prerequisite that is a step comes before what needs it.
        for s in &steps {
            let me = position[s["node"]["slug"].as_str().unwrap_or("")];
            for p in crate::helpers::slugs(&s["skill"]["prerequisites"]) {
                if let Some(pp) = position.get(p.as_str()) {
                    assert!(*pp < me, "[{engine:?}] {p} must come before {}", order[me]);
                }
            }
        }
        // Every essential step comes before every optional one.
        let last_essential = steps
            .iter()
            .rposition(|s| s["importance"] == "ESSENTIAL")
            .unwrap_or(0);
        let first_optional = steps
            .iter()
            .position(|s| s["importance"] == "OPTIONAL")
            .unwrap_or(usize::MAX);
        assert!(last_essential < first_optional, "[{engine:?}] {order:?}");
        // Every requirement of the role is a step or satisfied, but for the other options of
        // a choice group: Python settles the server-side language, one relational database
        // is picked.
        let groups: [&[&str]; 2] = [
            &[
                "python",
                "java",
                "javascript",
                "typescript",
                "go",
                "c-sharp",
                "php",
                "ruby",
            ],
            &["postgresql", "mysql"],
        ];
        for g in groups {
            let taken = g
                .iter()
                .filter(|s| position.contains_key(**s) || implied.iter().any(|k| k == *s))
                .count();
            assert_eq!(taken, 1, "[{engine:?}] {g:?} in {order:?}");
        }
        for e in d["role"]["skills"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let s = e["node"]["slug"].as_str().unwrap_or("");
            if groups.iter().any(|g| g.contains(&s)) {
                continue;
            }
            assert!(
                position.contains_key(s)
                    || implied.iter().any(|k| k == s)
                    || list_slugs(&d["learningPath"]["satisfied"])
                        .iter()
                        .any(|k| k == s),
                "[{engine:?}] {s} is neither a step nor satisfied"
            );
        }
        eprintln!("[{engine:?}] back-end path from python+sql: {order:?}");
        app.cleanup().await;
    }
}

const FRAMEWORKS_NONE: &str = "framework = []";
const ROLES_NONE: &str = "role = []";

#[test]
fn a_catalog_with_a_cycle_is_refused_by_parse_naming_it() {
    let skills = r#"
[[skill]]
slug = "a"
name = "A"
kind = "concept"
prerequisites = ["c"]

[[skill]]
slug = "b"
name = "B"
kind = "concept"
prerequisites = ["a"]

[[skill]]
slug = "c"
name = "C"
kind = "concept"
prerequisites = ["b"]
"#;
    let err = seed::parse(skills, FRAMEWORKS_NONE, ROLES_NONE)
        .map(|_| ())
        .map_err(|e| (e.code(), e.detail()));
    assert_eq!(
        err,
        Err((
            "VALIDATION",
            "catalog skills.toml: prerequisite links form a cycle: a → c → b → a".to_owned()
        ))
    );
    let self_loop =
        "[[skill]]\nslug = \"a\"\nname = \"A\"\nkind = \"concept\"\nbroader = [\"a\"]\n";
    let err = seed::parse(self_loop, FRAMEWORKS_NONE, ROLES_NONE)
        .map(|_| ())
        .map_err(|e| e.detail());
    assert_eq!(
        err,
        Err("catalog skills.toml: broader links form a cycle: a → a".to_owned())
    );
    let fine = skills.replace("prerequisites = [\"c\"]", "");
    assert!(seed::parse(&fine, FRAMEWORKS_NONE, ROLES_NONE).is_ok());
}

#[tokio::test]
async fn loading_a_catalog_that_closes_a_cycle_with_curator_links_writes_nothing() {
    // On its own the catalog is acyclic (x needs y); with the curator's y needs x it is not.
    let skills = r#"
[[skill]]
slug = "x"
name = "X"
kind = "concept"
prerequisites = ["y"]

[[skill]]
slug = "y"
name = "Y"
kind = "concept"

[[skill]]
slug = "z"
name = "Z"
kind = "concept"
"#;
    let cat = seed::parse(skills, FRAMEWORKS_NONE, ROLES_NONE)
        .map_err(|e| e.detail())
        .expect("acyclic on its own");
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        build(
            &app,
            &Graph {
                skills: &["x", "y"],
                prerequisites: &[("y", "x")],
                ..Default::default()
            },
        )
        .await;
        let err = seed::load(&app.db, &cat)
            .await
            .map(|_| ())
            .map_err(|e| (e.code(), e.detail()));
        assert_eq!(
            err,
            Err((
                "VALIDATION",
                "prerequisite links form a cycle: x → y → x".to_owned()
            )),
            "[{engine:?}]"
        );
        let d = app
            .data(
                r#"{ skills { totalCount } x: skill(by: { slug: "x" }) { prerequisites { totalCount } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            d["skills"]["totalCount"], 2,
            "[{engine:?}] z was not written"
        );
        assert_eq!(d["x"]["prerequisites"]["totalCount"], 0);
        app.cleanup().await;
    }
}
