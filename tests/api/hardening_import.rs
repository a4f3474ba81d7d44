//! Issue #10, point 7: postings files are streamed (CSV, JSON Lines and JSON arrays) and a bad
//! record (invalid UTF-8 included) rejects that record only, with its position; a JSON array
//! that is not well-formed is refused whole, with its position, and writes nothing.
use std::io::Write;

use skillgraph::market::{extract::ExtractCache, feed::Feed, ingest};

use crate::helpers::{engines, TestApp};

fn jsonl(id: &str, title: &[u8]) -> Vec<u8> {
    let mut v = format!(r#"{{"@type":"JobPosting","identifier":"{id}","title":""#).into_bytes();
    v.extend_from_slice(title);
    v.extend_from_slice(
        br#"","datePosted":"2026-10-01","jobLocation":{"address":{"addressCountry":"DE"}},"skills":["Python"]}"#,
    );
    v.push(b'\n');
    v
}

async fn import_bytes(app: &TestApp, name: &str, bytes: &[u8]) -> ingest::ImportReport {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write");
    let ex = ExtractCache::default()
        .get(&app.db)
        .await
        .map_err(|e| e.detail())
        .expect("extractor");
    ingest::import_file(&app.db, &Feed::new(app.backend()), &ex, &path, Some("s"))
        .await
        .map_err(|e| e.detail())
        .expect("import")
}

#[tokio::test]
async fn invalid_utf8_rejects_only_its_record() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // JSON Lines: line 2 has a byte that is not UTF-8 (the whole file was refused before).
        let mut data = jsonl("U-1", b"Python Engineer");
        data.extend(jsonl("U-2", b"Caf\xe9 Engineer"));
        data.extend(b"\n");
        data.extend(jsonl("U-3", b"Data Engineer"));
        let r = import_bytes(&app, "postings.jsonl", &data).await;
        assert_eq!(
            (r.read, r.inserted, r.rejected),
            (3, 2, 1),
            "[{engine:?}] {r:?}"
        );
        assert_eq!(r.errors[0].0, "line 2");
        assert!(r.errors[0].1.contains("UTF-8"), "{:?}", r.errors);

        // CSV: the same, by line.
        let mut csv = b"external_id,title,country,date_posted,required_skills\n".to_vec();
        csv.extend(b"V-1,Backend Engineer,DE,2026-10-15,Python\n");
        csv.extend(b"V-2,Caf\xe9 Engineer,DE,2026-10-15,Python\n");
        csv.extend(b"V-3,Data Engineer,DE,2026-10-15,SQL\n");
        let r = import_bytes(&app, "postings.csv", &csv).await;
        assert_eq!(
            (r.read, r.inserted, r.rejected),
            (3, 2, 1),
            "[{engine:?}] {r:?}"
        );
        assert_eq!(r.errors[0].0, "line 3");
        assert!(r.errors[0].1.contains("UTF-8"), "{:?}", r.errors);
        let data = app
            .data(
                "{ jobPostings(first: 10) { totalCount nodes { title } } }",
                serde_json::json!({}),
            )
            .await;
        assert_eq!(data["jobPostings"]["totalCount"], 4, "[{engine:?}] {data}");
        assert!(!data.to_string().contains("Caf"));
        app.cleanup().await;
    }
}

#[test]
fn records_are_read_one_at_a_time() {
    // A reader that fails after the first line: the first record still comes out, then the
    // error with its position, then nothing (the file is not read whole first).
    struct Failing(Vec<u8>, bool);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1 {
                return Err(std::io::Error::other("disk gone"));
            }
            self.1 = true;
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            Ok(n)
        }
    }
    let first = jsonl("W-1", b"Python Engineer");
    let reader = std::io::BufReader::new(Failing(first, false));
    let recs: Vec<_> = ingest::records(reader, "jsonl").expect("open").collect();
    assert_eq!(
        recs.len(),
        2,
        "{:?}",
        recs.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    assert!(recs[0].1.is_ok());
    assert_eq!(recs[1].0, "line 2");
    assert!(recs[1].1.is_err());
}

fn array_element(id: &str, title: &str) -> String {
    format!(
        r#"{{"@type":"JobPosting","identifier":"{id}","title":"{title}","datePosted":"2026-10-01","jobLocation":{{"address":{{"addressCountry":"DE"}}}},"skills":["Python"]}}"#
    )
}

async fn titles(app: &TestApp) -> Vec<String> {
    let data = app
        .data(
            "{ jobPostings(first: 50) { nodes { title } } }",
            serde_json::json!({}),
        )
        .await;
    let mut t: Vec<String> = data["jobPostings"]["nodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    t.sort();
    t
}

#[tokio::test]
async fn a_json_array_is_streamed_and_a_broken_one_writes_nothing() {
    for engine in engines() {
        let app = TestApp::spawn(engine).await;
        // Well-formed JSON whose element 1 is no JobPosting: that element alone is rejected.
        let good = format!(
            "[\n{},\n{{\"@type\":\"Person\"}},\n{}\n]\n",
            array_element("J-1", "Array Engineer One"),
            array_element("J-3", "Array Engineer Three"),
        );
        let r = import_bytes(&app, "postings.json", good.as_bytes()).await;
        assert_eq!(
            (r.read, r.inserted, r.rejected),
            (3, 2, 1),
            "[{engine:?}] {r:?}"
        );
        assert_eq!(r.errors[0].0, "index 1");
        assert!(r.errors[0].1.contains("JobPosting"), "{:?}", r.errors);
        let before = titles(&app).await;
        assert_eq!(before, vec!["Array Engineer One", "Array Engineer Three"]);

        // Element 2 of 4 is malformed (a doubled comma, line 4): the file is refused with the
        // position and nothing is written, not even element 0 or 1.
        let broken = format!(
            "[\n{},\n{},\n{{\"@type\":\"JobPosting\",\"identifier\":\"K-3\",,\"title\":\"x\"}},\n{}\n]",
            array_element("K-1", "Broken File One"),
            array_element("K-2", "Broken File Two"),
            array_element("K-4", "Broken File Four"),
        );
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("broken.json");
        std::fs::write(&path, &broken).expect("write");
        let ex = ExtractCache::default()
            .get(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("extractor");
        let err = ingest::import_file(&app.db, &Feed::new(app.backend()), &ex, &path, Some("s"))
            .await
            .err()
            .map(|e| e.detail())
            .unwrap_or_default();
        assert!(err.contains("index 2"), "[{engine:?}] {err}");
        assert!(err.contains("line 4 column"), "[{engine:?}] {err}");
        assert!(err.contains("nothing imported"), "[{engine:?}] {err}");
        assert_eq!(
            titles(&app).await,
            before,
            "[{engine:?}] the database changed"
        );
        app.cleanup().await;
    }
}

#[test]
fn array_records_are_read_one_at_a_time() {
    // A reader that hands out the first element and then fails: element 0 comes out first,
    // then the error with the position, so the array is not read whole first.
    struct FailsAfter(Vec<u8>);
    impl std::io::Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk gone"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }
    let first = format!("[{},", array_element("W-1", "Python Engineer")).into_bytes();
    let reader = std::io::BufReader::new(FailsAfter(first));
    let recs: Vec<_> = ingest::records(reader, "json").expect("open").collect();
    assert_eq!(
        recs.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        vec!["index 0", "index 1"]
    );
    assert_eq!(
        recs[0].1.as_ref().ok().and_then(|r| r.external_id.clone()),
        Some("W-1".to_owned())
    );
    let err = recs[1]
        .1
        .as_ref()
        .err()
        .map(|e| e.detail())
        .unwrap_or_default();
    assert!(err.contains("disk gone"), "{err}");
}
