//! Topic views, counted in Redis (one HINCRBY per view) and flushed to PostgreSQL every few seconds. If Redis is
//! lost, at most one flush window of views is lost, and nothing else. The same flush adds them to the day's
//! page views per category (`page_views_daily`, read by Insights).

use diesel::sql_types::{Array, BigInt};
use diesel_async::RunQueryDsl;
use redis::AsyncCommands;

use crate::ids::TopicId;
use crate::{DomainResult, Hearth, db};

const BUFFER: &str = "topic_views";
const PENDING: &str = "topic_views:pending";

async fn write_batch(hearth: &Hearth, key: &str) -> DomainResult<i64> {
    let mut conn = hearth.kv().conn();
    let counts: Vec<(i64, i64)> = conn.hgetall(key).await?;
    if counts.is_empty() {
        return Ok(0);
    }
    let (ids, views): (Vec<i64>, Vec<i64>) = counts.into_iter().unzip();
    let mut pg = db::conn(hearth.db()).await?;
    diesel::sql_query(
        "WITH v AS (SELECT unnest($1::bigint[]) AS id, unnest($2::bigint[]) AS n),
              counted AS (UPDATE topics SET view_count = view_count + v.n FROM v WHERE topics.id = v.id
                          RETURNING topics.category_id, v.n)
         INSERT INTO page_views_daily (day, category_id, views)
         SELECT (now() AT TIME ZONE 'UTC')::date, category_id, sum(n) FROM counted GROUP BY category_id
         ON CONFLICT (day, category_id) DO UPDATE SET views = page_views_daily.views + EXCLUDED.views",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<BigInt>, _>(&views)
    .execute(&mut pg)
    .await?;
    Ok(views.iter().sum())
}

/// Counts one view.
pub async fn record_view(hearth: &Hearth, topic: TopicId) -> DomainResult<()> {
    let mut conn = hearth.kv().conn();
    let _: i64 = conn.hincr(hearth.kv().key(BUFFER), topic.0, 1).await?;
    Ok(())
}

/// Moves the buffer aside (atomically) and adds its counts to PostgreSQL. Batches whose write failed stay
/// pending and are retried by the next flush. Returns how many views were written.
pub async fn flush(hearth: &Hearth) -> DomainResult<i64> {
    let kv = hearth.kv();
    let mut conn = kv.conn();
    let batch = kv.key(&format!("{BUFFER}:batch:{}", crate::secrets::random_token(9)));
    let moved: redis::RedisResult<()> = redis::cmd("RENAME")
        .arg(kv.key(BUFFER))
        .arg(&batch)
        .query_async(&mut conn)
        .await;
    if moved.is_ok() {
        let _: i64 = conn.sadd(kv.key(PENDING), &batch).await?;
    }
    let pending: Vec<String> = conn.smembers(kv.key(PENDING)).await?;
    let mut written = 0;
    for key in pending {
        // Claim the batch: of several instances flushing at once, one removes it from the pending set.
        let claimed: i64 = conn.srem(kv.key(PENDING), &key).await?;
        if claimed == 0 {
            continue;
        }
        match write_batch(hearth, &key).await {
            Ok(n) => {
                written += n;
                let _: i64 = conn.del(&key).await?;
            }
            Err(err) => {
                let _: i64 = conn.sadd(kv.key(PENDING), &key).await?;
                return Err(err);
            }
        }
    }
    Ok(written)
}
