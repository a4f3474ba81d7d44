use serde_json::json;
use skillgraph::catalog::seed;

use crate::helpers::{engines, slugs, TestApp};

#[tokio::test]
async fn seeding_is_idempotent() {
    for engine in engines() {
        let app = TestApp::empty(engine).await;
        let first = seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("first seed");
        assert!(
            first.inserted >= 40 + 12 + 6,
            "[{engine:?}] too little loaded: {first}"
        );
        assert_eq!(first.updated, 0);
        let second = seed::seed_embedded(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("second seed");
        assert!(
            !second.changed(),
            "[{engine:?}] second run changed something: {second}"
        );
        assert_eq!(second.unchanged, first.inserted);
        app.cleanup().await;
    }
}

#[tokio::test]
async fn catalog_has_the_core_frameworks_with_their_languages() {
    let expected = [
        ("node-js", "javascript"),
        ("express", "javascript"),
        ("django", "python"),
        ("laravel", "php"),
        ("ruby-on-rails", "ruby"),
        ("spring-boot", "java"),
        ("flask", "python"),
        ("fastapi", "python"),
        ("asp-net-core", "c-sharp"),
        ("gin", "go"),
        ("nestjs", "typescript"),
        ("phoenix", "elixir"),
    ];
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for (fw, lang) in expected {
            let d = app
                .data(
                    "query($s: String) { framework(by: { slug: $s }) { slug language { slug kind } } }",
                    json!({ "s": fw }),
                )
                .await;
            assert_eq!(
                d["framework"]["language"]["slug"], lang,
                "[{engine:?}] {fw}"
            );
            assert_eq!(
                d["framework"]["language"]["kind"], "LANGUAGE",
                "[{engine:?}] {fw}"
            );
        }
        let d = app
            .data(
                "{ skills { totalCount } frameworks { totalCount } roles { totalCount nodes { slug } } \
                  django: framework(by: { slug: \"django\" }) { firstReleaseYear license } \
                  rails: framework(by: { slug: \"ruby-on-rails\" }) { firstReleaseYear license } \
                  spring: framework(by: { slug: \"spring-boot\" }) { firstReleaseYear license } }",
                json!({}),
            )
            .await;
        assert!(d["skills"]["totalCount"].as_i64().unwrap_or(0) >= 40);
        assert!(d["frameworks"]["totalCount"].as_i64().unwrap_or(0) >= 12);
        assert!(d["roles"]["totalCount"].as_i64().unwrap_or(0) >= 6);
        assert!(slugs(&d["roles"]).contains(&"backend-developer".to_owned()));
        assert_eq!(
            d["django"],
            json!({ "firstReleaseYear": 2005, "license": "BSD-3-Clause" })
        );
        assert_eq!(
            d["rails"],
            json!({ "firstReleaseYear": 2004, "license": "MIT" })
        );
        assert_eq!(
            d["spring"],
            json!({ "firstReleaseYear": 2014, "license": "Apache-2.0" })
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn catalog_covers_the_back_end_concepts() {
    let concepts = [
        "relational-databases",
        "sql",
        "rest-apis",
        "graphql",
        "software-architecture",
        "microservices",
        "web-servers",
        "web-security",
        "caching",
        "software-testing",
        "version-control",
        "git",
        "cloud-computing",
        "serverless",
        "docker",
        "ci-cd",
        "machine-learning",
        "postgresql",
    ];
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        for c in concepts {
            let d = app
                .data(
                    "query($s: String) { skill(by: { slug: $s }) { slug } }",
                    json!({ "s": c }),
                )
                .await;
            assert_eq!(d["skill"]["slug"], c, "[{engine:?}] catalog lacks {c}");
        }
        app.cleanup().await;
    }
}

/// The question the product is for, in one request, pinned as a snapshot.
#[tokio::test]
async fn nested_query_from_python_to_roles() {
    let q = r#"{
      skill(by: { slug: "python" }) {
        name kind aliases { nodes { name } }
        frameworks(first: 5) {
          totalCount
          nodes {
            slug name firstReleaseYear license
            language { slug }
            skills(first: 3) { nodes { slug } }
            roles(first: 3) { totalCount edges { importance level node { slug } } }
          }
        }
      }
      role(by: { slug: "backend-developer" }) {
        name
        skills(first: 5) { totalCount edges { importance level node { slug kind } } }
      }
    }"#;
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app.data(q, json!({})).await;
        let fws = slugs(&d["skill"]["frameworks"]);
        assert!(fws.contains(&"django".to_owned()), "[{engine:?}] {fws:?}");
        for fw in d["skill"]["frameworks"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert_eq!(fw["language"]["slug"], "python");
        }
        insta::assert_json_snapshot!("nested_python", d);
        app.cleanup().await;
    }
}
