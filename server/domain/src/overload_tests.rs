//! Overload: a request that finds every connection busy, or an expensive read that finds its share taken, is
//! answered "busy" (503 with `Retry-After`) after a short wait instead of failing as a server fault, and the
//! background workers keep a pool of their own.

use std::time::Duration;

use crate::forums::{Viewer, search};
use crate::testing::{TestDb, redis_prefix, redis_url, settings};
use crate::{DomainError, Hearth, Pools, db, kv};

async fn hearth_with(requests: usize, expensive_limit: usize) -> (Hearth, TestDb) {
    let test_db = TestDb::new().await;
    let wait = Duration::from_millis(300);
    let pools = Pools {
        requests: db::connect(&test_db.url, requests, wait).await.unwrap(),
        background: db::connect(&test_db.url, 2, Duration::from_secs(10))
            .await
            .unwrap(),
        expensive_limit,
        expensive_wait: wait,
    };
    let kv = kv::Kv::connect(&redis_url(), &redis_prefix()).await.unwrap();
    let hearth = Hearth::with_pools(pools, kv, settings()).await.unwrap();
    (hearth, test_db)
}

#[tokio::test]
async fn a_busy_pool_answers_unavailable_and_workers_keep_their_own() {
    let (hearth, _db) = hearth_with(2, 1).await;
    let held = (
        db::conn(hearth.db()).await.unwrap(),
        db::conn(hearth.db()).await.unwrap(),
    );
    match db::conn(hearth.db()).await {
        Err(DomainError::Unavailable { retry_after }) => assert!(retry_after >= 1),
        other => panic!(
            "a request that finds no free connection is 'busy', got {other:?}",
            other = other.err()
        ),
    }
    // The workers' pool is untouched by requests holding every request connection.
    db::ping(hearth.background().db()).await.unwrap();
    drop(held);
    db::ping(hearth.db()).await.unwrap();
}

#[tokio::test]
async fn expensive_reads_run_on_a_share_of_the_pool() {
    let (hearth, _db) = hearth_with(4, 1).await;
    let query = search::SearchQuery {
        q: "brake pads".into(),
        limit: 10,
        ..Default::default()
    };
    let viewer = Viewer::anonymous();
    search::search(&hearth, &viewer, &query).await.unwrap();
    let turn = hearth.expensive().await.unwrap();
    assert!(turn.is_some());
    let refused = search::search(&hearth, &viewer, &query).await;
    assert!(
        matches!(refused, Err(DomainError::Unavailable { .. })),
        "{refused:?}"
    );
    let similar = crate::qa::similar(&hearth, &viewer, "brake pads squeak", 5).await;
    assert!(
        matches!(similar, Err(DomainError::Unavailable { .. })),
        "{similar:?}"
    );
    // Every other read still gets a connection meanwhile.
    db::ping(hearth.db()).await.unwrap();
    // Background work is never limited by the share.
    assert!(hearth.background().expensive().await.unwrap().is_none());
    drop(turn);
    search::search(&hearth, &viewer, &query).await.unwrap();
}
