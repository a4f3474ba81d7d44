//! `import postings` sets a posting's role from its title when the record names none the
//! catalog knows (issue #13): the role per posting, the report's count, and a title that names
//! no role leaving the role null.
use serde_json::{json, Value};
use skillgraph::market::{extract::ExtractCache, feed::Feed, ingest};

use crate::helpers::{engines, TestApp};

fn record(id: &str, title: &str, role: Option<&str>) -> String {
    let mut v = json!({
        "@type": "JobPosting",
        "identifier": id,
        "title": title,
        "datePosted": "2026-10-01",
        "jobLocation": { "address": { "addressCountry": "DE" } },
    });
    if let Some(r) = role {
        v["occupationalCategory"] = json!(r);
    }
    v.to_string()
}

#[tokio::test]
async fn a_posting_without_role_takes_the_role_its_title_names() {
    let lines = [
        record("R-1", "Sr. Python Backend Engineer (m/f/d) – Remote", None),
        record("R-2", "Junior Data Scientist, full-time, Berlin", None),
        record("R-3", "Head Chef", None),
        // The record's own role wins over the title.
        record("R-4", "Backend Engineer", Some("frontend-developer")),
        // A role the catalog does not know counts as none: the title decides.
        record("R-5", "Platform Engineer", Some("99-9999.00 Nothing")),
        record("R-6", "Site Reliability Engineer (SRE)", None),
    ]
    .join("\n");
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        let ex = ExtractCache::default()
            .get(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("extractor");
        let records = ingest::parse_records(&lines, "jsonl").expect("records");
        let report = ingest::import_records(
            &app.db,
            &Feed::new(app.backend()),
            &ex,
            records,
            "roles-test",
        )
        .await
        .map_err(|e| e.detail())
        .expect("import");
        assert_eq!(
            (report.read, report.inserted, report.rejected),
            (6, 6, 0),
            "[{engine:?}] {report:?}"
        );
        assert_eq!(report.roles_from_titles, 4, "[{engine:?}] {report:?}");
        assert!(
            report.to_string().contains("4 roles set from titles"),
            "{report}"
        );
        let d = app
            .data(
                r#"{ jobPostings(filter: { sources: ["roles-test"] }, first: 10) {
                    nodes { externalId role { slug } } } }"#,
                json!({}),
            )
            .await;
        let got: Vec<(String, Value)> = d["jobPostings"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| {
                (
                    n["externalId"].as_str().unwrap_or("").to_owned(),
                    n["role"]["slug"].clone(),
                )
            })
            .collect();
        let mut got = got;
        got.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            got,
            vec![
                ("R-1".to_owned(), json!("backend-developer")),
                ("R-2".to_owned(), json!("data-scientist")),
                ("R-3".to_owned(), Value::Null),
                ("R-4".to_owned(), json!("frontend-developer")),
                ("R-5".to_owned(), json!("platform-engineer")),
                ("R-6".to_owned(), json!("site-reliability-engineer")),
            ],
            "[{engine:?}]"
        );
        // Importing again updates the same postings and sets the same roles.
        let records = ingest::parse_records(&lines, "jsonl").expect("records");
        let again = ingest::import_records(
            &app.db,
            &Feed::new(app.backend()),
            &ex,
            records,
            "roles-test",
        )
        .await
        .map_err(|e| e.detail())
        .expect("import");
        assert_eq!((again.updated, again.roles_from_titles), (6, 4));
        app.cleanup().await;
    }
}
