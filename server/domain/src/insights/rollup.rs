//! The daily rollups behind every report.
//!
//! Rolling up a range of days is one transaction: each metric's raw rows of those days become *facts* (one per
//! question, post, vote… with its day, category, topic and, for durations, a sample in seconds) in a temporary
//! table, and one generic step sums them into `insight_days` for all, per category, per product and per
//! category and product (products come from the topic: a question's products, an idea's product). Samples are
//! kept as arrays, so the median or 90th percentile of any period is computed exactly from its days.
//!
//! Metrics of a *cohort* (questions asked on a day: were they answered within 24 h? ideas created on a day: how
//! far did they get?) change after their day. The worker rolls up today every few minutes, each day once more
//! after it ended, and every earlier day whose cohort an event since its last run touched (a first answer, an
//! acceptance, an idea's status change, a staff reply to a detractor, an RSVP).

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Date, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::{DomainError, DomainResult, Hearth, db};

/// Serialises rollups across instances (a transaction-scoped advisory lock).
const LOCK: i64 = 0x1d5_1a75;

/// How often the worker rolls up today.
pub const TODAY_EVERY: Duration = Duration::minutes(5);

/// Days are rolled up in chunks of this many (the backfill's step).
pub const CHUNK_DAYS: i64 = 31;

/// How far back the worker looks for days that were never rolled up after they ended.
const CATCH_UP_DAYS: i64 = 35;

/// The most earlier days one worker run recomputes; the rest wait for the next run.
const MAX_DIRTY: usize = 62;

const STAGES: &str = "ARRAY['new','under_review','planned','in_progress','shipped']";

/// The fact queries; `$1` and `$2` are the first and last day (the transaction's time zone is UTC).
fn fact_queries() -> Vec<String> {
    let range = |col: &str| format!("{col} >= $1::date AND {col} < $2::date + 1");
    let replies = format!(
        "SELECT DISTINCT topic_id FROM posts WHERE {} AND post_number > 1",
        range("created_at")
    );
    vec![
        // ---- health
        format!(
            "INSERT INTO insight_facts (day, metric, category_id)
             SELECT p.created_at::date, 'posts', t.category_id FROM posts p JOIN topics t ON t.id = p.topic_id
             WHERE {} AND p.status = 'published' AND t.status = 'published'",
            range("p.created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric, category_id)
             SELECT created_at::date, 'topics', category_id FROM topics WHERE {} AND status = 'published'",
            range("created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric) SELECT created_at::date, 'new_members' FROM users WHERE {}",
            range("created_at")
        ),
        "INSERT INTO insight_facts (day, metric, category_id, value)
         SELECT day, 'views', category_id, views FROM page_views_daily WHERE day >= $1::date AND day <= $2::date"
            .to_owned(),
        // Active members: who posted, commented, voted or flagged that day; and over the 30 days up to it.
        format!(
            "WITH a AS (SELECT DISTINCT d, uid FROM (
                 SELECT created_at::date AS d, author_id AS uid FROM posts WHERE {p}
                 UNION ALL SELECT created_at::date, author_id FROM answer_comments WHERE {p}
                 UNION ALL SELECT created_at::date, user_id FROM answer_votes WHERE {p}
                 UNION ALL SELECT created_at::date, user_id FROM idea_votes WHERE {p}
                 UNION ALL SELECT created_at::date, flagger_id FROM flags WHERE {p}) x)
             INSERT INTO insight_facts (day, metric, value)
             SELECT g.d::date, m.metric, m.n FROM generate_series($1::date, $2::date, interval '1 day') g(d)
             CROSS JOIN LATERAL (
                 SELECT 'active' AS metric, (SELECT count(*) FROM a WHERE a.d = g.d::date) AS n
                 UNION ALL
                 SELECT 'active_30d', (SELECT count(DISTINCT uid) FROM a WHERE a.d > g.d::date - 30 AND a.d <= g.d::date)) m
             WHERE m.n > 0",
            p = "created_at >= $1::date - 29 AND created_at < $2::date + 1"
        ),
        // Members replying to someone else's topic (distinct per day).
        format!(
            "INSERT INTO insight_facts (day, metric, value)
             SELECT p.created_at::date, 'repliers', count(DISTINCT p.author_id)
             FROM posts p JOIN topics t ON t.id = p.topic_id
             WHERE {} AND p.post_number > 1 AND p.author_id <> t.author_id AND p.status = 'published'
             GROUP BY 1",
            range("p.created_at")
        ),
        // Topics whose third distinct replier arrived that day.
        format!(
            "WITH r AS (
                 SELECT p.topic_id, p.author_id, min(p.created_at) AS first_at
                 FROM posts p JOIN topics t ON t.id = p.topic_id
                 WHERE p.topic_id IN ({replies}) AND p.post_number > 1 AND p.author_id <> t.author_id
                   AND p.status = 'published'
                 GROUP BY p.topic_id, p.author_id),
             k AS (SELECT topic_id, first_at, row_number() OVER (PARTITION BY topic_id ORDER BY first_at) AS n FROM r)
             INSERT INTO insight_facts (day, metric, category_id)
             SELECT k.first_at::date, 'lively_topics', t.category_id FROM k JOIN topics t ON t.id = k.topic_id
             WHERE k.n = 3 AND {} AND t.status = 'published'",
            range("k.first_at")
        ),
        // The first reply by someone other than the author, on the day it came.
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, sample)
             SELECT fr.at::date, 'first_response', t.category_id, greatest(0, extract(epoch FROM fr.at - t.created_at))::int
             FROM topics t
             CROSS JOIN LATERAL (SELECT min(p.created_at) AS at FROM posts p
                 WHERE p.topic_id = t.id AND p.post_number > 1 AND p.author_id <> t.author_id AND p.status = 'published') fr
             WHERE t.id IN ({replies}) AND t.status = 'published' AND {}",
            range("fr.at")
        ),
        // ---- Q&A: the questions asked that day and what became of them.
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, topic_id, sample)
             SELECT q.asked_at::date, m.metric, t.category_id, t.id, m.sample
             FROM questions q JOIN topics t ON t.id = q.topic_id
             LEFT JOIN LATERAL (
                 SELECT u.roles && ARRAY['staff', 'admin']::text[] AS staff
                 FROM posts p JOIN users u ON u.id = p.author_id
                 WHERE p.topic_id = q.topic_id AND p.post_number > 1 AND p.status = 'published'
                 ORDER BY p.created_at, p.id LIMIT 1) fa ON true
             CROSS JOIN LATERAL (VALUES
                 ('q_asked', NULL::int),
                 (CASE WHEN q.first_answer_at IS NOT NULL THEN 'q_answered' END,
                  greatest(0, extract(epoch FROM q.first_answer_at - q.asked_at))::int),
                 (CASE WHEN q.first_answer_at <= q.asked_at + interval '24 hours' THEN 'q_answered_24h' END, NULL),
                 (CASE WHEN q.first_answer_at <= q.asked_at + interval '7 days' THEN 'q_answered_7d' END, NULL),
                 (CASE WHEN q.first_answer_at IS NULL THEN NULL WHEN fa.staff THEN 'q_first_staff'
                       WHEN NOT fa.staff THEN 'q_first_customer' END, NULL),
                 (CASE WHEN q.accepted_at IS NOT NULL THEN 'q_accepted' END, NULL)) m(metric, sample)
             WHERE {} AND t.status = 'published' AND m.metric IS NOT NULL",
            range("q.asked_at")
        ),
        // ---- ideas: those created that day, how far they got (a later step counts every earlier one)
        format!(
            "WITH i AS (
                 SELECT i.topic_id, i.created_at, i.status, t.category_id FROM ideas i JOIN topics t ON t.id = i.topic_id
                 WHERE {} AND t.status = 'published')
             INSERT INTO insight_facts (day, metric, category_id, topic_id)
             SELECT i.created_at::date, m.metric, i.category_id, i.topic_id
             FROM i
             CROSS JOIN LATERAL (
                 SELECT greatest(coalesce(max(array_position({STAGES}, c.to_status)), 1),
                                 coalesce(array_position({STAGES}, i.status), 1)) AS top,
                        coalesce(bool_or(c.to_status = 'declined'), false) OR i.status = 'declined' AS declined
                 FROM idea_status_changes c WHERE c.idea_id = i.topic_id) h
             CROSS JOIN LATERAL unnest(
                 ARRAY['i_created', 'i_reached_under_review', 'i_reached_planned', 'i_reached_in_progress',
                       'i_reached_shipped', 'i_declined'],
                 ARRAY[true, h.top >= 2, h.top >= 3, h.top >= 4, h.top >= 5, h.declined]) AS m(metric, ok)
             WHERE m.ok",
            range("i.created_at")
        ),
        // Completed stays in each open status, for the ideas created that day.
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, topic_id, sample)
             SELECT s.created::date, 'i_time_' || s.from_status, s.category_id, s.topic_id,
                    greatest(0, extract(epoch FROM s.left_at - s.entered_at))::int
             FROM (SELECT i.created_at AS created, t.category_id, i.topic_id, c.from_status, c.created_at AS left_at,
                          coalesce(lag(c.created_at) OVER (PARTITION BY c.idea_id ORDER BY c.id), i.created_at) AS entered_at
                   FROM ideas i JOIN topics t ON t.id = i.topic_id JOIN idea_status_changes c ON c.idea_id = i.topic_id
                   WHERE {} AND t.status = 'published') s
             WHERE s.from_status IN ('new', 'under_review', 'planned', 'in_progress')",
            range("i.created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, topic_id)
             SELECT v.created_at::date, 'i_votes', t.category_id, t.id FROM idea_votes v JOIN topics t ON t.id = v.idea_id
             WHERE {}",
            range("v.created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, topic_id)
             SELECT s.answered_at::date, 'i_survey_' || s.answer, t.category_id, t.id
             FROM idea_surveys s JOIN topics t ON t.id = s.idea_id WHERE {} AND s.answer IS NOT NULL",
            range("s.answered_at")
        ),
        // ---- listening
        format!(
            "INSERT INTO insight_facts (day, metric, category_id)
             SELECT p.created_at::date,
                    CASE WHEN p.sentiment >= 0.05 THEN 's_positive' WHEN p.sentiment <= -0.05 THEN 's_negative'
                         ELSE 's_neutral' END,
                    t.category_id
             FROM posts p JOIN topics t ON t.id = p.topic_id
             WHERE {} AND p.sentiment IS NOT NULL AND p.status = 'published'",
            range("p.created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric, category_id, sample)
             SELECT i.created_at::date, m.metric, t.category_id, m.sample
             FROM inbox_items i LEFT JOIN topics t ON t.id = i.topic_id
             CROSS JOIN LATERAL (VALUES
                 ('d_posts', NULL::int),
                 (CASE WHEN i.first_response_at IS NOT NULL THEN 'd_answered' END,
                  greatest(0, extract(epoch FROM i.first_response_at - i.waiting_since))::int),
                 (CASE WHEN i.first_response_at <= i.waiting_since + interval '24 hours' THEN 'd_answered_24h' END, NULL))
                 m(metric, sample)
             WHERE {} AND i.kind = 'detractor' AND m.metric IS NOT NULL",
            range("i.created_at")
        ),
        // ---- club
        format!(
            "INSERT INTO insight_facts (day, metric)
             SELECT at::date, CASE kind WHEN 'join' THEN 'c_joins' ELSE 'c_leaves' END FROM club_membership_events
             WHERE {}",
            range("at")
        ),
        "INSERT INTO insight_facts (day, metric, value)
         SELECT g.d::date, 'c_members',
                (SELECT count(*) FILTER (WHERE kind = 'join') - count(*) FILTER (WHERE kind = 'leave')
                 FROM club_membership_events WHERE at < g.d::date + 1)
         FROM generate_series($1::date, $2::date, interval '1 day') g(d)"
            .to_owned(),
        format!(
            "INSERT INTO insight_facts (day, metric, value)
             SELECT e.starts_at::date, m.metric, m.n FROM events e
             CROSS JOIN LATERAL (VALUES ('e_events', 1), ('e_seats', e.capacity), ('e_taken', e.going_count),
                                        ('e_waitlisted', e.waitlist_count)) m(metric, n)
             WHERE {}",
            range("e.starts_at")
        ),
        // ---- moderation
        format!(
            "INSERT INTO insight_facts (day, metric) SELECT created_at::date, 'm_flags' FROM flags WHERE {}",
            range("created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric)
             SELECT q.created_at::date, m.metric FROM moderation_queue q
             CROSS JOIN LATERAL (VALUES ('m_held'), ('m_held:' || q.reason)) m(metric)
             WHERE {} AND q.kind = 'held'",
            range("q.created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric)
             SELECT created_at::date, 'm_appeals' FROM moderation_queue WHERE {} AND kind = 'appeal'",
            range("created_at")
        ),
        format!(
            "INSERT INTO insight_facts (day, metric, sample)
             SELECT q.resolved_at::date, m.metric, m.sample FROM moderation_queue q
             CROSS JOIN LATERAL (VALUES
                 ('m_decided', greatest(0, extract(epoch FROM q.resolved_at - q.created_at))::int),
                 (CASE WHEN q.kind = 'appeal' THEN 'm_appeal_' || q.state END, NULL)) m(metric, sample)
             WHERE {} AND m.metric IS NOT NULL",
            range("q.resolved_at")
        ),
        "INSERT INTO insight_facts (day, metric, value)
         SELECT g.d::date, 'm_queue_open', count(q.id) FROM generate_series($1::date, $2::date, interval '1 day') g(d)
         LEFT JOIN moderation_queue q ON q.created_at < g.d::date + 1 AND (q.resolved_at IS NULL OR q.resolved_at >= g.d::date + 1)
         GROUP BY g.d"
            .to_owned(),
    ]
}

/// Sums the facts into the rollup: all, per category, per product, per category and product.
const AGGREGATE: &str = "
    WITH ft AS (SELECT DISTINCT topic_id FROM insight_facts WHERE topic_id IS NOT NULL),
         tp AS (SELECT qp.topic_id, qp.product_id FROM question_products qp JOIN ft ON ft.topic_id = qp.topic_id
                UNION ALL
                SELECT i.topic_id, i.product_id FROM ideas i JOIN ft ON ft.topic_id = i.topic_id
                WHERE i.product_id IS NOT NULL)
    INSERT INTO insight_days (metric, category_id, product_id, day, value, samples)
    SELECT metric, 0, 0, day, sum(value), coalesce(array_agg(sample) FILTER (WHERE sample IS NOT NULL), '{}')
    FROM insight_facts GROUP BY metric, day
    UNION ALL
    SELECT metric, category_id, 0, day, sum(value), coalesce(array_agg(sample) FILTER (WHERE sample IS NOT NULL), '{}')
    FROM insight_facts WHERE category_id IS NOT NULL GROUP BY metric, category_id, day
    UNION ALL
    SELECT f.metric, 0, tp.product_id, f.day, sum(f.value),
           coalesce(array_agg(f.sample) FILTER (WHERE f.sample IS NOT NULL), '{}')
    FROM insight_facts f JOIN tp ON tp.topic_id = f.topic_id GROUP BY f.metric, tp.product_id, f.day
    UNION ALL
    SELECT f.metric, f.category_id, tp.product_id, f.day, sum(f.value),
           coalesce(array_agg(f.sample) FILTER (WHERE f.sample IS NOT NULL), '{}')
    FROM insight_facts f JOIN tp ON tp.topic_id = f.topic_id
    WHERE f.category_id IS NOT NULL GROUP BY f.metric, f.category_id, tp.product_id, f.day";

/// Recomputes the rollup of the days `from..=to` in one transaction (waits for a rollup running elsewhere).
pub async fn rollup_days(hearth: &Hearth, from: NaiveDate, to: NaiveDate) -> DomainResult<()> {
    if from > to {
        return Ok(());
    }
    let mut conn = db::conn(hearth.db()).await?;
    rollup_in(&mut conn, from, to).await
}

async fn rollup_in(conn: &mut AsyncPgConnection, from: NaiveDate, to: NaiveDate) -> DomainResult<()> {
    conn.transaction::<(), DomainError, _>(async |conn| {
        diesel::sql_query("SET LOCAL TimeZone = 'UTC'")
            .execute(conn)
            .await?;
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(LOCK)
            .execute(conn)
            .await?;
        diesel::sql_query(
            "CREATE TEMP TABLE IF NOT EXISTS insight_facts (
                 day DATE NOT NULL, metric TEXT NOT NULL, category_id BIGINT, topic_id BIGINT,
                 value BIGINT NOT NULL DEFAULT 1, sample INTEGER) ON COMMIT DROP",
        )
        .execute(conn)
        .await?;
        for sql in fact_queries() {
            diesel::sql_query(sql)
                .bind::<Date, _>(from)
                .bind::<Date, _>(to)
                .execute(conn)
                .await?;
        }
        diesel::sql_query("DELETE FROM insight_days WHERE day >= $1 AND day <= $2")
            .bind::<Date, _>(from)
            .bind::<Date, _>(to)
            .execute(conn)
            .await?;
        // The temporary table has no statistics until analysed; the aggregate's joins need them.
        diesel::sql_query("ANALYZE insight_facts").execute(conn).await?;
        diesel::sql_query(AGGREGATE).execute(conn).await?;
        diesel::sql_query(
            "INSERT INTO insight_computed (day, computed_at)
             SELECT d::date, now() FROM generate_series($1::date, $2::date, interval '1 day') d
             ON CONFLICT (day) DO UPDATE SET computed_at = EXCLUDED.computed_at",
        )
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = Date)]
    d: NaiveDate,
}

/// The days before today the worker owes a rollup: those not rolled up since they ended (from the day before
/// its previous run, at most five weeks back), and those whose cohort an event since `since` touched.
async fn owed_days(conn: &mut AsyncPgConnection, since: DateTime<Utc>) -> DomainResult<Vec<NaiveDate>> {
    diesel::sql_query("SET TimeZone = 'UTC'").execute(conn).await?;
    let rows: Vec<Day> = diesel::sql_query(
        "SELECT DISTINCT d FROM (
             SELECT g.d::date AS d FROM generate_series(greatest(current_date - $2::int, $1::date - 1), current_date - 1,
                                                       interval '1 day') g(d)
             LEFT JOIN insight_computed c ON c.day = g.d::date
             WHERE c.day IS NULL OR c.computed_at < g.d::date + 1
             UNION SELECT asked_at::date FROM questions WHERE first_answer_at >= $1
             UNION SELECT asked_at::date FROM questions WHERE accepted_at >= $1
             UNION SELECT i.created_at::date FROM idea_status_changes c JOIN ideas i ON i.topic_id = c.idea_id
                   WHERE c.created_at >= $1
             UNION SELECT created_at::date FROM inbox_items WHERE first_response_at >= $1
             UNION SELECT e.starts_at::date FROM event_rsvps r JOIN events e ON e.id = r.event_id WHERE r.updated_at >= $1
             UNION SELECT starts_at::date FROM events WHERE updated_at >= $1) x
         WHERE d < current_date ORDER BY d DESC",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<diesel::sql_types::Integer, _>(CATCH_UP_DAYS as i32)
    .load(conn)
    .await?;
    diesel::sql_query("RESET TimeZone").execute(conn).await?;
    Ok(rows.into_iter().map(|r| r.d).collect())
}

/// Groups days into runs of consecutive days (`days` sorted either way).
fn runs(mut days: Vec<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    days.sort();
    days.dedup();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some((_, to)) if *to + Duration::days(1) == d => *to = d,
            _ => out.push((d, d)),
        }
    }
    out
}

/// What one worker run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub days: usize,
}

/// The worker's run: today, plus the earlier days it owes. Returns `None` when not due: another instance ran
/// it less than [`TODAY_EVERY`] ago (the bookmark row, locked, decides — once across instances).
pub async fn refresh_if_due(hearth: &Hearth) -> DomainResult<Option<Refreshed>> {
    #[derive(QueryableByName)]
    struct State {
        #[diesel(sql_type = Timestamptz)]
        checked_at: DateTime<Utc>,
    }
    let mut conn = db::conn(hearth.db()).await?;
    // Claim the run: move the bookmark to now if it is due. Of two instances, one claims it.
    let claimed: Option<State> = diesel::sql_query(
        "WITH old AS (SELECT checked_at FROM insight_state WHERE id = 1 FOR UPDATE SKIP LOCKED),
              up AS (UPDATE insight_state s SET checked_at = now() FROM old
                     WHERE s.id = 1 AND old.checked_at <= now() - $1::interval RETURNING old.checked_at)
         SELECT checked_at FROM up",
    )
    .bind::<diesel::sql_types::Interval, _>(pg_interval(TODAY_EVERY))
    .get_result(&mut conn)
    .await
    .map(Some)
    .or_else(|e| match e {
        diesel::result::Error::NotFound => Ok(None),
        e => Err(e),
    })?;
    let since = match claimed {
        Some(s) => s.checked_at,
        None => {
            // First run ever (no bookmark yet), or not due.
            let inserted = diesel::sql_query(
                "INSERT INTO insight_state (id, checked_at) VALUES (1, now()) ON CONFLICT (id) DO NOTHING",
            )
            .execute(&mut conn)
            .await?;
            if inserted == 0 {
                return Ok(None);
            }
            // The first run keeps up from now on; history is `hearth insights backfill`'s (a first run over
            // weeks of a large community would load a fresh instance for minutes).
            Utc::now()
        }
    };
    // Events are stamped when their transaction began: look a little further back than the bookmark.
    let mut owed = owed_days(&mut conn, since - Duration::minutes(10)).await?;
    owed.truncate(MAX_DIRTY);
    let today = Utc::now().date_naive();
    owed.push(today);
    let count = owed.len();
    for (from, to) in runs(owed) {
        let mut start = from;
        while start <= to {
            let end = (start + Duration::days(CHUNK_DAYS - 1)).min(to);
            rollup_in(&mut conn, start, end).await?;
            start = end + Duration::days(1);
        }
    }
    Ok(Some(Refreshed { days: count }))
}

fn pg_interval(d: Duration) -> diesel::data_types::PgInterval {
    diesel::data_types::PgInterval::from_microseconds(d.num_microseconds().unwrap_or(0))
}

/// Recomputes every day from `from` to today, in chunks, reporting `(days done, days in all)` after each.
/// Returns how long it took.
pub async fn backfill(
    hearth: &Hearth,
    from: NaiveDate,
    mut progress: impl FnMut(i64, i64),
) -> DomainResult<std::time::Duration> {
    let today = Utc::now().date_naive();
    if from > today {
        return Err(DomainError::invalid("from", "must not be in the future"));
    }
    let started = Instant::now();
    let all = (today - from).num_days() + 1;
    let mut conn = db::conn(hearth.db()).await?;
    let mut start = from;
    while start <= today {
        let end = (start + Duration::days(CHUNK_DAYS - 1)).min(today);
        rollup_in(&mut conn, start, end).await?;
        progress((end - from).num_days() + 1, all);
        start = end + Duration::days(1);
    }
    Ok(started.elapsed())
}

/// When the rollup last ran (for "updated …" on the page).
pub async fn last_computed(hearth: &Hearth) -> DomainResult<Option<DateTime<Utc>>> {
    #[derive(QueryableByName)]
    struct At {
        #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
        at: Option<DateTime<Utc>>,
    }
    let mut conn = db::conn(hearth.db()).await?;
    let at: At = db::prepared_sql("SELECT max(computed_at) AS at FROM insight_computed")
        .get_result(&mut conn)
        .await?;
    Ok(at.at)
}

#[cfg(test)]
mod unit {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn consecutive_days_form_runs() {
        let days = vec![
            d("2026-11-05"),
            d("2026-11-03"),
            d("2026-11-04"),
            d("2026-11-09"),
            d("2026-11-09"),
        ];
        assert_eq!(
            runs(days),
            vec![
                (d("2026-11-03"), d("2026-11-05")),
                (d("2026-11-09"), d("2026-11-09"))
            ]
        );
    }
}
