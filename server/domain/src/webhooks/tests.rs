//! The outbox against a real PostgreSQL: nothing for a change that rolled back, one delivery per endpoint that
//! wants the type, the head of each endpoint's queue claimed by one worker at a time, admins only.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use super::*;
use crate::accounts::Role;
use crate::forums::tests::account;
use crate::{DomainError, db, testing};

fn input(url: &str, types: &[&str]) -> EndpointInput {
    EndpointInput {
        url: url.into(),
        description: "CRM".into(),
        event_types: types.iter().map(|t| (*t).to_owned()).collect(),
        include_emails: false,
        active: true,
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    endpoint_id: i64,
    #[diesel(sql_type = Text)]
    event_type: String,
}

async fn queued(hearth: &Hearth) -> Vec<(i64, String)> {
    let mut conn = db::conn(hearth.db()).await.unwrap();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT d.endpoint_id, e.event_type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         ORDER BY d.id",
    )
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| (r.endpoint_id, r.event_type)).collect()
}

#[tokio::test]
async fn the_outbox_follows_the_transaction_and_the_subscriptions() {
    let (hearth, _db) = testing::hearth().await;
    let admin = account(&hearth, "wh_admin", vec![Role::Admin]).await;
    let all = create(&hearth, &admin, &input("http://127.0.0.1:9/all", &[]))
        .await
        .unwrap();
    let topics = create(
        &hearth,
        &admin,
        &input("http://127.0.0.1:9/topics", &["topic.created"]),
    )
    .await
    .unwrap();
    assert!(all.secret.starts_with("whsec_"));
    assert_ne!(all.secret, topics.secret);

    let mut conn = db::conn(hearth.db()).await.unwrap();
    // A change that rolls back leaves nothing to send.
    let rolled_back = conn
        .transaction::<(), DomainError, _>(async |conn| {
            emit(conn, EventType::TopicCreated, json!({"id": 1})).await?;
            Err(DomainError::forbidden("changed my mind"))
        })
        .await;
    assert!(rolled_back.is_err());
    assert!(queued(&hearth).await.is_empty());

    conn.transaction::<(), DomainError, _>(async |conn| {
        emit(conn, EventType::TopicCreated, json!({"id": 2})).await?;
        emit(conn, EventType::MemberCreated, json!({"id": 3})).await
    })
    .await
    .unwrap();
    let rows = queued(&hearth).await;
    assert_eq!(
        rows,
        vec![
            (all.id.0, "topic.created".to_owned()),
            (topics.id.0, "topic.created".to_owned()),
            (all.id.0, "member.created".to_owned()),
        ]
    );

    // A disabled endpoint queues nothing new.
    let mut off = input(&all.url, &[]);
    off.active = false;
    update(&hearth, &admin, all.id, &off).await.unwrap();
    emit(&mut conn, EventType::MemberCreated, json!({"id": 4}))
        .await
        .unwrap();
    assert_eq!(queued(&hearth).await.len(), 3);
}

#[tokio::test]
async fn only_admins_manage_endpoints_and_bad_input_names_its_field() {
    let (hearth, _db) = testing::hearth().await;
    let admin = account(&hearth, "wh_admin2", vec![Role::Admin]).await;
    let staff = account(&hearth, "wh_staff", vec![Role::Staff]).await;
    let err = create(&hearth, &staff, &input("http://127.0.0.1:9/", &[]))
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    assert!(matches!(
        list(&hearth, &staff).await,
        Err(DomainError::Forbidden(_))
    ));

    let err = create(&hearth, &admin, &input("http://127.0.0.1:9/", &["topic.deleted"]))
        .await
        .unwrap_err();
    assert!(err.fields().contains_key("event_types"), "{err:?}");
    let err = create(&hearth, &admin, &input("https://10.1.2.3/hook", &[]))
        .await
        .unwrap_err();
    assert!(err.fields()["url"].contains("private"), "{err:?}");
    let err = create(&hearth, &admin, &input("", &[])).await.unwrap_err();
    assert!(err.fields().contains_key("url"));
    assert!(list(&hearth, &admin).await.unwrap().is_empty());
}

#[tokio::test]
async fn one_worker_at_a_time_holds_an_endpoints_head_in_order() {
    let (hearth, _db) = testing::hearth().await;
    let admin = account(&hearth, "wh_admin3", vec![Role::Admin]).await;
    let a = create(&hearth, &admin, &input("http://127.0.0.1:9/a", &[]))
        .await
        .unwrap();
    let b = create(&hearth, &admin, &input("http://127.0.0.1:9/b", &[]))
        .await
        .unwrap();
    let mut conn = db::conn(hearth.db()).await.unwrap();
    for n in 0..3 {
        emit(&mut conn, EventType::PostCreated, json!({"n": n}))
            .await
            .unwrap();
    }
    // Two workers claiming at the same moment get disjoint heads: one per endpoint, the oldest first.
    let (first, second) = tokio::join!(
        delivery::claim_for_tests(&hearth, 10),
        delivery::claim_for_tests(&hearth, 10)
    );
    let mut claimed: Vec<(i64, i64)> = first.into_iter().chain(second).collect();
    claimed.sort();
    assert_eq!(claimed.len(), 2, "{claimed:?}");
    assert_eq!(claimed[0].0, a.id.0);
    assert_eq!(claimed[1].0, b.id.0);
    let heads: Vec<i64> = claimed.iter().map(|c| c.1).collect();
    // Nothing else is claimable while the heads are out.
    assert!(delivery::claim_for_tests(&hearth, 10).await.is_empty());
    let log = deliveries(&hearth, &admin, a.id, DeliveryFilter::Pending, None, 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log.last().map(|d| d.id.0),
        Some(heads[0]),
        "the oldest is the head"
    );
}
