//! The recompute: one statement per batch of members, from the rows themselves.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::points;
use crate::ids::UserId;
use crate::schema::{member_reputation, reputation_dirty, users};
use crate::{DomainError, DomainResult, Hearth, db};

/// A member's reputation with its breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = member_reputation, check_for_backend(diesel::pg::Pg))]
pub struct Breakdown {
    pub points: i32,
    pub accepted_points: i32,
    pub vote_points: i32,
    pub reply_points: i32,
    pub idea_points: i32,
    pub askers_helped: i32,
    pub voters: i32,
    pub repliers: i32,
    pub ideas_adopted: i32,
    pub ideas_shipped: i32,
}

/// Each credit, weighed by its age: pairs of members count once (at their latest interaction), self-interaction
/// never. `@MEMBERS`/`@OF` select the members (see [`recompute_sql`]); `@ACC` … `@FLOOR` are the weights of
/// [`points`].
const RECOMPUTE: &str = "
WITH ids AS (@MEMBERS),
acc AS (
    SELECT p.author_id AS user_id, t.author_id AS other, max(q.accepted_at) AS at
      FROM posts p
      JOIN questions q ON q.accepted_post_id = p.id
      JOIN topics t ON t.id = q.topic_id
     WHERE p.author_id @OF AND t.author_id <> p.author_id AND p.status = 'published'
     GROUP BY 1, 2),
vot AS (
    SELECT user_id, other, max(at) AS at FROM (
        SELECT p.author_id AS user_id, v.user_id AS other, v.updated_at AS at
          FROM posts p JOIN answer_votes v ON v.post_id = p.id
         WHERE p.author_id @OF AND v.value > 0 AND v.user_id <> p.author_id AND p.status = 'published'
        UNION ALL
        SELECT t.author_id, iv.user_id, iv.created_at
          FROM topics t JOIN idea_votes iv ON iv.idea_id = t.id
         WHERE t.author_id @OF AND t.kind = 'idea' AND iv.user_id <> t.author_id AND t.status = 'published'
    ) x GROUP BY 1, 2),
rep AS (
    SELECT t.author_id AS user_id, p.author_id AS other, max(p.created_at) AS at
      FROM topics t JOIN posts p ON p.topic_id = t.id
     WHERE t.author_id @OF AND t.status = 'published' AND p.post_number > 1
       AND p.author_id <> t.author_id AND p.status = 'published'
     GROUP BY 1, 2),
ide AS (
    SELECT t.author_id AS user_id, i.status, COALESCE(i.shipped_at, i.status_changed_at) AS at
      FROM topics t JOIN ideas i ON i.topic_id = t.id
     WHERE t.author_id @OF AND i.status IN ('planned', 'in_progress', 'shipped')),
credit AS (
    SELECT user_id, 'acc' AS kind, @ACC AS pts, at FROM acc
    UNION ALL SELECT user_id, 'vot', @VOTE, at FROM vot
    UNION ALL SELECT user_id, 'rep', @REPLY, at FROM rep
    UNION ALL SELECT user_id, CASE WHEN status = 'shipped' THEN 'shp' ELSE 'ado' END,
                     CASE WHEN status = 'shipped' THEN @SHIPPED ELSE @ADOPTED END, at FROM ide),
weighed AS (
    SELECT user_id, kind,
           pts * greatest(@FLOOR, power(0.5, extract(epoch FROM (now() - at))::float8 / (@HALF_LIFE * 86400.0))) AS w
      FROM credit),
summed AS (
    SELECT user_id,
           sum(w) FILTER (WHERE kind = 'acc') AS acc_pts,
           sum(w) FILTER (WHERE kind = 'vot') AS vot_pts,
           sum(w) FILTER (WHERE kind = 'rep') AS rep_pts,
           sum(w) FILTER (WHERE kind IN ('ado', 'shp')) AS idea_pts,
           count(*) FILTER (WHERE kind = 'acc') AS askers,
           count(*) FILTER (WHERE kind = 'vot') AS voters,
           count(*) FILTER (WHERE kind = 'rep') AS repliers,
           count(*) FILTER (WHERE kind IN ('ado', 'shp')) AS adopted,
           count(*) FILTER (WHERE kind = 'shp') AS shipped
      FROM weighed GROUP BY user_id),
totals AS (
    SELECT ids.user_id, COALESCE(s.acc_pts, 0) AS acc_pts, COALESCE(s.vot_pts, 0) AS vot_pts,
           COALESCE(s.rep_pts, 0) AS rep_pts, COALESCE(s.idea_pts, 0) AS idea_pts,
           COALESCE(s.askers, 0) AS askers, COALESCE(s.voters, 0) AS voters, COALESCE(s.repliers, 0) AS repliers,
           COALESCE(s.adopted, 0) AS adopted, COALESCE(s.shipped, 0) AS shipped
      FROM ids JOIN users u ON u.id = ids.user_id
      LEFT JOIN summed s ON s.user_id = ids.user_id)
INSERT INTO member_reputation AS r (user_id, points, accepted_points, vote_points, reply_points, idea_points,
                                    askers_helped, voters, repliers, ideas_adopted, ideas_shipped, computed_at)
SELECT user_id, round(acc_pts + vot_pts + rep_pts + idea_pts)::int, round(acc_pts)::int, round(vot_pts)::int,
       round(rep_pts)::int, round(idea_pts)::int, askers, voters, repliers, adopted, shipped, now()
  FROM totals
ON CONFLICT (user_id) DO UPDATE SET
    points = excluded.points, accepted_points = excluded.accepted_points, vote_points = excluded.vote_points,
    reply_points = excluded.reply_points, idea_points = excluded.idea_points,
    askers_helped = excluded.askers_helped, voters = excluded.voters, repliers = excluded.repliers,
    ideas_adopted = excluded.ideas_adopted, ideas_shipped = excluded.ideas_shipped, computed_at = now()";

/// The recompute for a batch (`$1`: the members' ids) or for everyone. Everyone is one set-based statement:
/// hash joins over the whole tables beat 100 index-driven batches by a factor of ten (7.5 s instead of 70 s for
/// 100,000 members and 3 million rows).
fn recompute_sql(batch: bool) -> String {
    let (members, of) = if batch {
        ("SELECT DISTINCT unnest($1::int8[]) AS user_id", "= ANY($1)")
    } else {
        ("SELECT id AS user_id FROM users", "IS NOT NULL")
    };
    let float = |w: f64| format!("{w:?}::float8");
    RECOMPUTE
        .replace("@MEMBERS", members)
        .replace("@OF", of)
        .replace("@ACC", &float(points::ACCEPTED_PER_ASKER))
        .replace("@VOTE", &float(points::UPVOTE_PER_MEMBER))
        .replace("@REPLY", &float(points::REPLY_PER_MEMBER))
        .replace("@ADOPTED", &float(points::IDEA_ADOPTED))
        .replace("@SHIPPED", &float(points::IDEA_SHIPPED))
        .replace("@HALF_LIFE", &float(points::HALF_LIFE_DAYS))
        .replace("@FLOOR", &float(points::FLOOR))
}

/// Recomputes the reputation of the given members (at most [`super::BATCH`] per statement) and their club
/// tiers. Returns how many were recomputed.
pub async fn recompute(hearth: &Hearth, members: &[i64]) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let mut done = 0;
    for batch in members.chunks(super::BATCH) {
        done += recompute_in(&mut conn, batch).await?;
    }
    Ok(done)
}

async fn recompute_in(conn: &mut AsyncPgConnection, batch: &[i64]) -> DomainResult<usize> {
    let ids = batch.to_vec();
    conn.transaction::<usize, DomainError, _>(async |conn| {
        let n = diesel::sql_query(recompute_sql(true))
            .bind::<Array<BigInt>, _>(&ids)
            .execute(conn)
            .await?;
        crate::club::refresh_tiers_in(conn, Some(&ids)).await?;
        Ok(n)
    })
    .await
}

/// Takes up to one batch of members whose inputs changed and recomputes them. Returns how many. Marks made
/// while this runs stay for the next round.
pub async fn recompute_dirty(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let taken: Vec<i64> = diesel::sql_query(
        "DELETE FROM reputation_dirty WHERE user_id IN (
             SELECT user_id FROM reputation_dirty ORDER BY marked_at, user_id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING user_id",
    )
    .bind::<BigInt, _>(super::BATCH as i64)
    .load::<TakenId>(&mut conn)
    .await?
    .into_iter()
    .map(|t| t.user_id)
    .collect();
    if taken.is_empty() {
        return Ok(0);
    }
    match recompute_in(&mut conn, &taken).await {
        Ok(n) => Ok(n),
        Err(e) => {
            // Put them back so the next round tries again.
            let _ = diesel::insert_into(reputation_dirty::table)
                .values(
                    taken
                        .iter()
                        .map(|id| reputation_dirty::user_id.eq(*id))
                        .collect::<Vec<_>>(),
                )
                .on_conflict_do_nothing()
                .execute(&mut conn)
                .await;
            Err(e)
        }
    }
}

#[derive(QueryableByName)]
struct TakenId {
    #[diesel(sql_type = BigInt)]
    user_id: i64,
}

/// Recomputes every member in one statement, then every club member's tier. Returns how many members were
/// recomputed.
pub async fn recompute_all(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<usize, DomainError, _>(async |conn| {
        let n = diesel::sql_query(recompute_sql(false)).execute(conn).await?;
        crate::club::refresh_tiers_in(conn, None).await?;
        Ok(n)
    })
    .await
}

/// A member's reputation breakdown (zeros before any credit).
pub async fn breakdown(hearth: &Hearth, user: UserId) -> DomainResult<Breakdown> {
    let mut conn = db::conn(hearth.db()).await?;
    breakdown_in(&mut conn, user).await
}

pub(crate) async fn breakdown_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<Breakdown> {
    Ok(member_reputation::table
        .find(user)
        .select(Breakdown::as_select())
        .first(conn)
        .await
        .optional()?
        .unwrap_or_default())
}

/// How long the last full recompute's pause is kept in Redis: one full pass per day across instances.
pub const FULL_PASS_EVERY_SECS: u64 = 24 * 3600;

fn full_pass_key() -> String {
    format!(
        "reputation:full:{}",
        Utc::now().timestamp() / FULL_PASS_EVERY_SECS as i64
    )
}

/// Runs the daily full pass if no instance ran it in the current day (Redis `SET NX`); returns whether it ran.
pub async fn recompute_all_if_due(hearth: &Hearth) -> DomainResult<bool> {
    let key = full_pass_key();
    if !hearth
        .kv()
        .set_nx_ex(&key, "1", FULL_PASS_EVERY_SECS + 3600)
        .await?
    {
        return Ok(false);
    }
    if let Err(e) = recompute_all(hearth).await {
        // Let the next round (of any instance) try again.
        let mut conn = hearth.kv().conn();
        let _: Result<i64, _> = redis::cmd("DEL")
            .arg(hearth.kv().key(&key))
            .query_async(&mut conn)
            .await;
        return Err(e);
    }
    Ok(true)
}

/// Counts the current day's full pass as done (an instance starting must not cost a full pass; the next one
/// runs the next day).
pub async fn defer_full_pass(hearth: &Hearth) -> DomainResult<()> {
    hearth
        .kv()
        .set_nx_ex(&full_pass_key(), "1", FULL_PASS_EVERY_SECS + 3600)
        .await?;
    Ok(())
}

/// When the member joined (for trust levels).
pub(crate) async fn joined_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<DateTime<Utc>> {
    users::table
        .find(user)
        .select(users::created_at)
        .first(conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("member"))
}
