//! Job postings: ingestion, the list and its filters, nested lists, the mutation, extraction.
use std::path::Path;

use serde_json::json;
use skillgraph::market::{extract::ExtractCache, feed::Feed, ingest};

use crate::helpers::{engines, first_code, TestApp};

pub async fn import_fixture(
    app: &TestApp,
    file: &str,
    source: Option<&str>,
) -> ingest::ImportReport {
    let feed = Feed::new(app.backend());
    let ex = ExtractCache::default()
        .get(&app.db)
        .await
        .map_err(|e| e.detail())
        .expect("extractor");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/postings")
        .join(file);
    ingest::import_file(&app.db, &feed, &ex, &path, source)
        .await
        .map_err(|e| e.detail())
        .expect("import")
}

/// All three fixtures under one source.
pub async fn import_all(app: &TestApp) {
    for f in ["postings.jsonl", "postings.json", "postings.csv"] {
        import_fixture(app, f, Some("fixtures")).await;
    }
}

#[tokio::test]
async fn imports_report_bad_records_by_position_and_are_idempotent() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let r = import_fixture(&app, "postings.jsonl", None).await;
        assert_eq!(
            (r.read, r.inserted, r.updated, r.rejected),
            (5, 3, 0, 2),
            "[{engine:?}] {r:?}"
        );
        assert_eq!(r.errors[0].0, "line 3");
        assert!(r.errors[0].1.contains("bad JSON"), "{:?}", r.errors);
        assert_eq!(r.errors[1].0, "line 4");
        assert!(r.errors[1].1.contains("title"), "{:?}", r.errors);
        assert_eq!(r.unknown_skills, 1);
        let again = import_fixture(&app, "postings.jsonl", None).await;
        assert_eq!(
            (again.read, again.inserted, again.updated, again.rejected),
            (5, 0, 3, 2)
        );
        let a = import_fixture(&app, "postings.json", None).await;
        assert_eq!((a.read, a.inserted, a.rejected), (3, 2, 1), "{a:?}");
        assert_eq!(a.errors[0].0, "index 1");
        assert!(a.errors[0].1.contains("country"), "{:?}", a.errors);
        let c = import_fixture(&app, "postings.csv", None).await;
        assert_eq!((c.read, c.inserted, c.rejected), (3, 2, 1), "{c:?}");
        assert_eq!(c.errors[0].0, "line 3");
        assert!(c.errors[0].1.contains("salary_min"), "{:?}", c.errors);

        // The first record, fully mapped.
        let d = app
            .data(
                r#"{ jobPostings(filter: { sources: ["postings.jsonl"] }, orderBy: { field: POSTED_DATE, direction: ASC }) {
                    totalCount
                    nodes { source externalId title company workplace employmentType
                      location { city region country }
                      salary { min max currency period annualMin annualMax }
                      postedDate validThrough url description role { slug }
                      skills { required skill { slug } } frameworks { required framework { slug } } } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(d["jobPostings"]["totalCount"], 3);
        let p = &d["jobPostings"]["nodes"][0];
        assert_eq!(p["externalId"], "J-1");
        assert_eq!(p["company"], "Acme GmbH");
        assert_eq!(p["workplace"], "ONSITE");
        assert_eq!(p["employmentType"], "FULL_TIME");
        assert_eq!(
            p["location"],
            json!({ "city": "Berlin", "region": "BE", "country": "DE" })
        );
        assert_eq!(p["salary"]["annualMin"], 60000.0);
        assert_eq!(p["salary"]["period"], "YEAR");
        assert_eq!(p["postedDate"], "2026-09-03");
        assert_eq!(p["validThrough"], "2026-10-31");
        assert_eq!(p["description"], "Build APIs with Django.");
        assert_eq!(p["role"]["slug"], "backend-developer");
        assert_eq!(
            p["skills"],
            json!([
                { "required": true, "skill": { "slug": "postgresql" } },
                { "required": true, "skill": { "slug": "python" } }
            ])
        );
        assert_eq!(
            p["frameworks"],
            json!([{ "required": true, "framework": { "slug": "django" } }])
        );
        // J-2 had no skills listed: they come from its text; "go" the verb is not Go.
        let g = &d["jobPostings"]["nodes"][1];
        assert_eq!(g["externalId"], "J-2");
        assert_eq!(g["workplace"], "REMOTE");
        assert_eq!(g["salary"]["annualMax"], 130000.0);
        assert_eq!(
            g["skills"],
            json!([
                { "required": false, "skill": { "slug": "go" } },
                { "required": false, "skill": { "slug": "microservices" } },
                { "required": false, "skill": { "slug": "postgresql" } }
            ])
        );
        let j = &d["jobPostings"]["nodes"][2];
        assert_eq!(j["role"]["slug"], "backend-developer");
        assert_eq!(
            j["frameworks"],
            json!([{ "required": true, "framework": { "slug": "spring-boot" } }])
        );
        assert_eq!(
            j["skills"],
            json!([
                { "required": true, "skill": { "slug": "java" } },
                { "required": false, "skill": { "slug": "redis" } }
            ])
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn job_postings_filter_order_and_page() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let ids = |v: &serde_json::Value| -> Vec<String> {
            v["jobPostings"]["nodes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|n| n["externalId"].as_str().unwrap_or("").to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let q = "query($f: JobPostingFilter, $o: JobPostingOrder, $n: Int, $a: String) {
            jobPostings(filter: $f, orderBy: $o, first: $n, after: $a) {
              totalCount pageInfo { hasNextPage endCursor } nodes { externalId } } }";
        // Default: newest first.
        let all = app.data(q, json!({})).await;
        assert_eq!(ids(&all), ["J-5", "C-3", "C-1", "J-2", "A-3", "A-1", "J-1"]);
        let f = |f: serde_json::Value| json!({ "f": f });
        assert_eq!(
            ids(&app
                .data(q, f(json!({ "skills": crate::helpers::rs(&["python"]) })))
                .await),
            ["C-1", "A-3", "J-1"]
        );
        assert_eq!(
            ids(&app
                .data(
                    q,
                    f(json!({ "skills": crate::helpers::rs(&["python", "postgresql"]) }))
                )
                .await),
            ["C-1", "J-1"]
        );
        assert_eq!(
            ids(&app
                .data(
                    q,
                    f(json!({ "frameworks": crate::helpers::rs(&["node-js"]) }))
                )
                .await),
            ["A-1"]
        );
        assert_eq!(
            ids(&app
                .data(q, f(json!({ "role": {"slug": "backend-developer"} })))
                .await),
            // J-2 and A-3 give no role; their titles name it.
            ["J-5", "C-1", "J-2", "A-3", "J-1"]
        );
        assert_eq!(
            ids(&app.data(q, f(json!({ "countries": ["fr"] }))).await),
            ["A-3", "A-1"]
        );
        assert_eq!(
            ids(&app
                .data(q, f(json!({ "workplaces": ["REMOTE", "HYBRID"] })))
                .await),
            ["C-3", "C-1", "J-2", "A-3"]
        );
        // Annualised: A-3 30 EUR/h = 62,400; J-5 60-72k; J-1 60-80k; A-1 50-65k; C-1 70-90k.
        assert_eq!(
            ids(&app
                .data(
                    q,
                    f(json!({ "currency": "EUR", "salaryMin": 70000, "salaryMax": 75000 }))
                )
                .await),
            ["J-5", "C-1", "J-1"]
        );
        assert_eq!(
            ids(&app
                .data(
                    q,
                    f(json!({ "postedFrom": "2026-10-06", "postedTo": "2026-10-15" }))
                )
                .await),
            ["C-1", "J-2", "A-3"]
        );
        // By salary midpoint, highest first, paged by two.
        let o = json!({ "field": "SALARY", "direction": "DESC" });
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let d = app.data(q, json!({ "o": o, "n": 2, "a": after })).await;
            seen.extend(ids(&d));
            if d["jobPostings"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = d["jobPostings"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned);
        }
        // C-3 60-80 USD/h = 145,600 mid; J-2 104-130k GBP; C-1 80k; J-1 70k; J-5 66k; A-3 62.4k; A-1 57.5k.
        assert_eq!(seen, ["C-3", "J-2", "C-1", "J-1", "J-5", "A-3", "A-1"]);
        let bad = app
            .post(q, json!({ "f": { "countries": ["Germany"] } }), None)
            .await
            .json();
        assert_eq!(first_code(&bad), "VALIDATION");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn postings_are_nodes_and_nested_lists_are_batched() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        import_all(&app).await;
        let d = app
            .data(
                "{ jobPostings(first: 1) { nodes { id title } } }",
                json!({}),
            )
            .await;
        let id = d["jobPostings"]["nodes"][0]["id"].clone();
        let n = app
            .data(
                "query($id: ID!) { node(id: $id) { id ... on JobPosting { title } } jobPosting(id: $id) { externalId } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(n["node"]["title"], "Java Engineer");
        assert_eq!(n["jobPosting"]["externalId"], "J-5");

        app.reset_statements();
        let d = app
            .data(
                r#"{ skills(first: 100) { nodes { slug jobPostings(first: 10) { totalCount nodes { externalId company skills { skill { slug } } role { slug } } } } }
                    python: skill(by: { slug: "python" }) { jobPostings(first: 10) { totalCount nodes { externalId } } }
                    role(by: { slug: "backend-developer" }) { jobPostings { totalCount nodes { externalId } } }
                    framework(by: { slug: "django" }) { jobPostings { nodes { externalId } } } }"#,
                json!({}),
            )
            .await;
        let (count, log) = app.statements();
        // skills, their postings, counts, companies, posting skills, roles; role + its postings + count;
        // framework + its postings: a fixed number whatever the data.
        assert!(count <= 16, "[{engine:?}] {count} statements: {log:#?}");
        let python = d["python"].clone();
        assert_eq!(python["jobPostings"]["totalCount"], 3);
        assert_eq!(python["jobPostings"]["nodes"][0]["externalId"], "C-1");
        // J-1, J-5, C-1 by their records; J-2 and A-3 by their titles.
        assert_eq!(d["role"]["jobPostings"]["totalCount"], 5);
        assert_eq!(
            d["framework"]["jobPostings"]["nodes"][0]["externalId"],
            "J-1"
        );
        app.cleanup().await;
    }
}

#[tokio::test]
async fn create_job_posting_needs_the_admin_and_extracts_skills() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let m = r#"mutation($i: UpsertJobPostingInput!) { upsertJobPosting(input: $i) { jobPosting {
            id source externalId location { country } workplace salary { annualMin annualMax currency }
            skills { required skill { slug } } frameworks { framework { slug } } } userErrors { code message } } }"#;
        let input = json!({ "i": {
            "source": "manual", "externalId": "M-1", "title": "Rails developer",
            "country": "nl", "workplace": "HYBRID", "postedDate": "2026-11-01",
            "salary": { "min": 4000, "max": 5000, "currency": "eur", "period": "MONTH" },
            "description": "We use RoR and PostgreSQL; Spring is our favourite season."
        }});
        let denied = app.post(m, input.clone(), None).await.json();
        assert_eq!(first_code(&denied), "UNAUTHENTICATED", "{denied}");
        let d = app.admin_ok(m, input.clone()).await;
        let p = &d["upsertJobPosting"]["jobPosting"];
        assert_eq!(p["location"]["country"], "NL");
        assert_eq!(p["workplace"], "HYBRID");
        assert_eq!(
            p["salary"],
            json!({ "annualMin": 48000.0, "annualMax": 60000.0, "currency": "EUR" })
        );
        assert_eq!(
            p["skills"],
            json!([{ "required": false, "skill": { "slug": "postgresql" } }])
        );
        assert_eq!(
            p["frameworks"],
            json!([{ "framework": { "slug": "ruby-on-rails" } }])
        );
        // Same source and external id: updated, not duplicated.
        let mut again = input.clone();
        again["i"]["requiredSkills"] = json!([{ "slug": "ruby" }]);
        let d2 = app.admin_ok(m, again).await;
        assert_eq!(d2["upsertJobPosting"]["jobPosting"]["id"], p["id"]);
        assert_eq!(
            d2["upsertJobPosting"]["jobPosting"]["skills"],
            json!([{ "required": true, "skill": { "slug": "ruby" } }])
        );
        let bad = app
            .admin(
                m,
                json!({ "i": { "source": "manual", "externalId": "M-2", "title": "x", "postedDate": "2026-11-01",
                        "salary": { "min": 10, "max": 5, "currency": "EUR" } } }),
            )
            .await;
        assert_eq!(first_code(&bad), "VALIDATION");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn extract_skills_finds_names_and_aliases_with_spans() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let d = app
            .data(
                "query($t: String!) { extractSkills(text: $t) { start end text node { slug } } }",
                json!({ "t": "Senior Go dev: golang, Node.js, k8s? Let's go! ROR or Spring Boot (Java)." }),
            )
            .await;
        let got: Vec<(i64, i64, String, String)> = d["extractSkills"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|m| {
                        let slug = m["node"]["slug"].as_str().unwrap_or("").to_owned();
                        (
                            m["start"].as_i64().unwrap_or(-1),
                            m["end"].as_i64().unwrap_or(-1),
                            m["text"].as_str().unwrap_or("").to_owned(),
                            slug,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let want: Vec<(i64, i64, String, String)> = [
            (7, 9, "Go", "go"),
            (15, 21, "golang", "go"),
            (23, 30, "Node.js", "node-js"),
            (32, 35, "k8s", "kubernetes"),
            (47, 50, "ROR", "ruby-on-rails"),
            (54, 65, "Spring Boot", "spring-boot"),
            (67, 71, "Java", "java"),
        ]
        .iter()
        .map(|(a, b, c, d)| (*a, *b, (*c).to_owned(), (*d).to_owned()))
        .collect();
        assert_eq!(got, want, "[{engine:?}]");
        app.cleanup().await;
    }
}
