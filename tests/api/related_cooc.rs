//! `relatedSkills` from stored lists (`related_list` / `related_entry`): the stored answer is the
//! counted one, byte for byte, for every page size; it is read with a few statements; any write
//! to the graph makes it stale, so the next answer is counted again and shows the change.
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use skillgraph::store::cooccurrence;

use crate::{helpers::engines, paths_imported::imported};

const RELATED: &str = r#"query($skill: PathNodeRef!, $first: Int) {
  relatedSkills(skill: $skill, first: $first) {
    score
    skill { slug name }
    framework { slug }
    components {
      related { value weight contribution evidence }
      sharedBroader { value weight contribution evidence }
      coRequirement { value weight contribution evidence }
      postings { value weight contribution evidence }
    }
  }
}"#;

async fn related(app: &crate::helpers::TestApp, skill: &str, first: i64) -> Value {
    app.data(
        RELATED,
        json!({ "skill": { "slug": skill }, "first": first }),
    )
    .await["relatedSkills"]
        .clone()
}

/// Waits until at least `n` lists are stored at the current data version (they are written in
/// the background after the answer).
async fn stored(app: &crate::helpers::TestApp, n: u64) {
    let started = Instant::now();
    loop {
        let (_, current) = cooccurrence::stored_count(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("count");
        if current >= n {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "[{:?}] {current} lists stored, waited for {n}",
            app.engine
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn stored_lists_answer_as_counting_does_and_go_stale_on_writes() {
    for engine in engines() {
        let app = imported(engine).await;
        // Counted (nothing stored yet), then read from the stored list.
        let counted = related(&app, "python", 100).await;
        assert!(
            counted.as_array().is_some_and(|a| a.len() > 5),
            "[{engine:?}] {counted}"
        );
        stored(&app, 1).await;
        app.reset_statements();
        let read = related(&app, "python", 100).await;
        let (n, log) = app.statements();
        assert_eq!(read, counted, "[{engine:?}] stored answer differs");
        // The node, its stored list, the related skills' and frameworks' rows.
        assert!(n <= 4, "[{engine:?}] {n} statements: {log:#?}");
        // Every smaller page is a prefix.
        for first in [1, 3, 10] {
            let page = related(&app, "python", first).await;
            let want: Vec<Value> = counted
                .as_array()
                .map(|a| a.iter().take(first as usize).cloned().collect())
                .unwrap_or_default();
            assert_eq!(page, Value::Array(want), "[{engine:?}] first {first}");
        }

        // A curated link is a write: the stored list is stale and the next answer shows it.
        let linked = |list: &Value| {
            list.as_array()
                .and_then(|a| a.iter().find(|r| r["skill"]["slug"] == "cobol"))
                .map(|r| r["components"]["related"]["evidence"].clone())
                .unwrap_or(Value::Null)
        };
        assert_ne!(linked(&counted), 1, "[{engine:?}] {counted}");
        app.admin_ok(
            r#"mutation { linkRelatedSkills(skill: { slug: "python" }, related: { slug: "cobol" }) { skill { slug } } }"#,
            json!({}),
        )
        .await;
        let (_, current) = cooccurrence::stored_count(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("count");
        assert_eq!(current, 0, "[{engine:?}] lists still current after a write");
        let after = related(&app, "python", 100).await;
        assert_eq!(linked(&after), 1, "[{engine:?}] {after}");
        app.cleanup().await;
    }
}

#[tokio::test]
async fn lists_refreshed_ahead_match_counted_answers() {
    for engine in engines() {
        let app = imported(engine).await;
        let refreshed = skillgraph::paths::related::refresh_most_demanded(&app.db, 8)
            .await
            .map_err(|e| e.detail())
            .expect("refresh");
        assert!(refreshed > 0, "[{engine:?}] nothing to refresh");
        let (_, current) = cooccurrence::stored_count(&app.db)
            .await
            .map_err(|e| e.detail())
            .expect("count");
        assert_eq!(current, refreshed as u64, "[{engine:?}]");
        // The stored answers, then (after a write that leaves the graph as it was) the
        // counted ones: the same.
        let top = cooccurrence::most_demanded_skills(&app.db, 8)
            .await
            .map_err(|e| e.detail())
            .expect("top");
        let mut slugs = Vec::new();
        for id in &top {
            let row = app
                .db
                .query_one_raw(sea_orm::Statement::from_sql_and_values(
                    app.backend(),
                    match app.backend() {
                        sea_orm::DbBackend::Postgres => "SELECT slug FROM skill WHERE id = $1",
                        _ => "SELECT slug FROM skill WHERE id = ?",
                    },
                    [(*id).into()],
                ))
                .await
                .expect("slug")
                .expect("row");
            slugs.push(row.try_get::<String>("", "slug").expect("slug"));
        }
        let mut from_store = Vec::new();
        for s in &slugs {
            from_store.push(related(&app, s, 20).await);
        }
        app.admin_ok(
            r#"mutation { linkRelatedSkills(skill: { slug: "python" }, related: { slug: "cobol" }) { skill { slug } } }"#,
            json!({}),
        )
        .await;
        app.admin_ok(
            r#"mutation { unlinkRelatedSkills(skill: { slug: "python" }, related: { slug: "cobol" }) { skill { slug } } }"#,
            json!({}),
        )
        .await;
        for (s, stored) in slugs.iter().zip(&from_store) {
            let counted = related(&app, s, 20).await;
            assert_eq!(&counted, stored, "[{engine:?}] {s}");
        }
        app.cleanup().await;
    }
}
