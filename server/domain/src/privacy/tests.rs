//! Against a real PostgreSQL: one export at a time however many ask at once, and the pieces the anonymisation
//! relies on (the JSON scrubber, the whole-word pattern).

use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text};
use diesel_async::RunQueryDsl;
use serde_json::json;

use super::erase::word_pattern;
use crate::accounts::Role;
use crate::forums::tests::account;
use crate::{DomainError, db, testing};

#[tokio::test]
async fn ten_requests_at_once_make_one_export_and_the_rest_wait_a_day() {
    let (hearth, _db) = testing::hearth().await;
    let member = account(&hearth, "eager_exporter", vec![]).await;
    let all = futures_util::future::join_all((0..10).map(|_| super::request_export(&hearth, &member))).await;
    let made = all.iter().filter(|r| r.is_ok()).count();
    assert_eq!(made, 1, "{all:?}");
    for refused in all.iter().filter_map(|r| r.as_ref().err()) {
        match refused {
            DomainError::RateLimited { retry_after } => assert!(*retry_after > 23 * 3600),
            other => panic!("{other:?}"),
        }
    }
    // Someone else is not held back by it.
    let other = account(&hearth, "other_exporter", vec![Role::Staff]).await;
    assert!(super::request_export(&hearth, &other).await.is_ok());
    // The worker builds both; the archive names no one else.
    assert_eq!(super::build_pending(&hearth).await.unwrap(), 2);
    let latest = super::latest_export(&hearth, &member).await.unwrap().unwrap();
    assert_eq!(latest.state, "ready");
    assert!(latest.bytes.unwrap() > 500);
}

#[derive(QueryableByName)]
struct Scrubbed {
    #[diesel(sql_type = Jsonb)]
    doc: serde_json::Value,
}

#[tokio::test]
async fn the_scrubber_rewrites_the_name_in_every_string_at_any_depth_and_leaves_the_rest() {
    let (hearth, _db) = testing::hearth().await;
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let doc = json!({
        "member": {"id": 7, "username": "Ana_B", "email": "ana@example.com"},
        "list": [{"name": "Ana_B"}, "ana@example.com", 3, null, true],
        "title": "Ana_B's ride",
        "url": "/u/ana_b",
        "banana": "Ana_Bs stays",
    });
    let row: Scrubbed = diesel::sql_query("SELECT hearth_scrub_jsonb($1, $2, $3) AS doc")
        .bind::<Jsonb, _>(&doc)
        .bind::<Text, _>(word_pattern(&["Ana_B", "ana@example.com"]))
        .bind::<Text, _>("former_7")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        row.doc,
        json!({
            "member": {"id": 7, "username": "former_7", "email": "former_7"},
            "list": [{"name": "former_7"}, "former_7", 3, null, true],
            "title": "former_7's ride",
            "url": "/u/former_7",
            "banana": "Ana_Bs stays",
        })
    );
    // The whole-word pattern, as PostgreSQL runs it.
    #[derive(QueryableByName)]
    struct Replaced {
        #[diesel(sql_type = Text)]
        text: String,
    }
    let row: Replaced = diesel::sql_query("SELECT regexp_replace($1, $2, 'X', 'gi') AS text")
        .bind::<Text, _>("banana, ANA and Zoë (Z)! mail a.b+c@x.org")
        .bind::<Text, _>(word_pattern(&["ana", "Zoë (Z)", "a.b+c@x.org"]))
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(row.text, "banana, X and X! mail X");
}

#[test]
fn the_pattern_matches_whole_words_and_escapes_what_a_name_may_hold() {
    assert_eq!(
        word_pattern(&["ana", "a.b+c@x.org", ""]),
        "(?<![[:alnum:]_])(ana|a\\.b\\+c\\@x\\.org)(?![[:alnum:]_])"
    );
    assert_eq!(
        word_pattern(&["Zoë (Z)"]),
        "(?<![[:alnum:]_])(Zoë \\(Z\\))(?![[:alnum:]_])"
    );
}
