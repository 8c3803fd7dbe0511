//! Counting: what a post or mention contributes to the hourly buckets, kept in step with what it is now.
//!
//! Database triggers append every post or mention whose contribution may have changed to `talk_queue`
//! (published, held, approved, hidden, deleted, edited, moved to another topic or category, its topic or
//! category changed). [`drain`] takes a batch (`FOR UPDATE SKIP LOCKED`), works out what each one should count
//! now — nothing unless it is published, in a published topic of a public category (mentions: published) — and
//! applies the difference against what it counted before (`talk_sources`) to `talk_buckets`, in one
//! transaction. Hidden or deleted content is thereby subtracted exactly. One drainer runs at a time across
//! instances (a transaction-scoped advisory lock), so two never count the same change.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Float4, Int2, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::{BTreeMap, HashMap};

use super::terms::{self, ProductName};
use crate::{DomainError, DomainResult, Hearth, db};

/// How long buckets are kept: the ranking reads four weeks of baseline and the last day, the sparkline a week.
/// Older content neither counts nor is counted: its buckets are pruned ([`prune`]), and a change to it (an old post
/// hidden) changes nothing here.
pub const KEEP_DAYS: i64 = 35;

/// The oldest hour that still counts.
pub fn cutoff() -> DateTime<Utc> {
    hour_of(Utc::now() - chrono::Duration::days(KEEP_DAYS))
}

/// Sources handled per transaction.
pub const BATCH: i64 = 500;
const DRAIN_LOCK: i64 = 727_301;

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    source_type: String,
    #[diesel(sql_type = BigInt)]
    source_id: i64,
}

/// A post or mention as it stands, with what it should count.
#[derive(QueryableByName)]
struct Current {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    text: String,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Float4>)]
    sentiment: Option<f32>,
    #[diesel(sql_type = Bool)]
    counts: bool,
    #[diesel(sql_type = Array<Text>)]
    tagged: Vec<String>,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Text)]
    source_type: String,
    #[diesel(sql_type = BigInt)]
    source_id: i64,
    #[diesel(sql_type = Timestamptz)]
    hour: DateTime<Utc>,
    #[diesel(sql_type = Int2)]
    mood: i16,
    #[diesel(sql_type = Array<Text>)]
    terms: Vec<String>,
}

/// What a source contributes: its hour, mood and terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contribution {
    pub hour: DateTime<Utc>,
    pub mood: i16,
    pub terms: Vec<String>,
}

/// Posts: published, in a published topic of a public category. A topic's first post carries its title and
/// the products a question is tagged with.
const POSTS_SQL: &str = "
SELECT p.id,
       CASE WHEN p.post_number = 1 THEN t.title || E'\\n' || p.body_md ELSE p.body_md END AS text,
       p.created_at AS at, p.sentiment,
       (p.status = 'published' AND t.status = 'published' AND c.visibility = 'public') AS counts,
       CASE WHEN p.post_number = 1 THEN COALESCE(
           (SELECT array_agg(pr.slug ORDER BY pr.slug) FROM question_products qp JOIN products pr ON pr.id = qp.product_id
             WHERE qp.topic_id = t.id)
           || (SELECT array_agg(pr.slug) FROM ideas i JOIN products pr ON pr.id = i.product_id WHERE i.topic_id = t.id),
           '{}') ELSE '{}' END AS tagged
  FROM posts p JOIN topics t ON t.id = p.topic_id JOIN categories c ON c.id = t.category_id
 WHERE p.id = ANY($1)";

const MENTIONS_SQL: &str = "
SELECT id, body AS text, posted_at AS at, sentiment, status = 'published' AS counts, '{}'::text[] AS tagged
  FROM mentions WHERE id = ANY($1)";

pub(crate) async fn product_names(conn: &mut AsyncPgConnection) -> DomainResult<Vec<ProductName>> {
    #[derive(QueryableByName)]
    struct P {
        #[diesel(sql_type = Text)]
        slug: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let rows: Vec<P> = db::prepared_sql("SELECT slug, name FROM products ORDER BY id")
        .load(conn)
        .await?;
    Ok(rows.iter().map(|p| ProductName::new(&p.slug, &p.name)).collect())
}

fn contribution(current: &Current, products: &[ProductName], cutoff: DateTime<Utc>) -> Option<Contribution> {
    if !current.counts || current.at < cutoff {
        return None;
    }
    let text = crate::markdown::excerpt(&current.text, usize::MAX);
    let terms = terms::extract(&text, products, &current.tagged);
    (!terms.is_empty()).then(|| Contribution {
        hour: hour_of(current.at),
        mood: terms::mood(current.sentiment.unwrap_or(0.0)),
        terms,
    })
}

/// The start of the hour `at` falls in.
pub fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    let secs = at.timestamp();
    DateTime::<Utc>::from_timestamp(secs - secs.rem_euclid(3600), 0).unwrap_or(at)
}

/// Bucket changes: (term, hour) → (mentions, positive, negative).
#[derive(Default)]
pub(crate) struct Deltas(BTreeMap<(String, DateTime<Utc>), (i32, i32, i32)>);

impl Deltas {
    pub(crate) fn add(&mut self, c: &Contribution, sign: i32) {
        for term in &c.terms {
            let entry = self.0.entry((term.clone(), c.hour)).or_default();
            entry.0 += sign;
            if c.mood > 0 {
                entry.1 += sign;
            }
            if c.mood < 0 {
                entry.2 += sign;
            }
        }
    }

    /// Applies the changes in one statement; empty buckets are removed; hours before `cutoff` (pruned) are
    /// left alone.
    pub(crate) async fn apply(self, conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>) -> DomainResult<()> {
        let changed: Vec<_> = self
            .0
            .into_iter()
            .filter(|((_, hour), d)| *d != (0, 0, 0) && *hour >= cutoff)
            .collect();
        for chunk in changed.chunks(5000) {
            let (mut term, mut hour, mut n, mut pos, mut neg) = (vec![], vec![], vec![], vec![], vec![]);
            for ((t, h), (a, b, c)) in chunk {
                term.push(t.clone());
                hour.push(*h);
                n.push(*a);
                pos.push(*b);
                neg.push(*c);
            }
            diesel::sql_query(
                "INSERT INTO talk_buckets AS b (term, hour, mentions, positive, negative)
                 SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::int[])
                 ON CONFLICT (term, hour) DO UPDATE
                    SET mentions = b.mentions + EXCLUDED.mentions, positive = b.positive + EXCLUDED.positive,
                        negative = b.negative + EXCLUDED.negative",
            )
            .bind::<Array<Text>, _>(&term)
            .bind::<Array<Timestamptz>, _>(&hour)
            .bind::<Array<diesel::sql_types::Integer>, _>(&n)
            .bind::<Array<diesel::sql_types::Integer>, _>(&pos)
            .bind::<Array<diesel::sql_types::Integer>, _>(&neg)
            .execute(conn)
            .await?;
            // Only a bucket that lost mentions can have become empty.
            let (shrunk_term, shrunk_hour): (Vec<String>, Vec<DateTime<Utc>>) = chunk
                .iter()
                .filter(|(_, (a, _, _))| *a < 0)
                .map(|((t, h), _)| (t.clone(), *h))
                .unzip();
            if !shrunk_term.is_empty() {
                diesel::sql_query(
                    "DELETE FROM talk_buckets
                      WHERE (term, hour) IN (SELECT * FROM unnest($1::text[], $2::timestamptz[])) AND mentions <= 0",
                )
                .bind::<Array<Text>, _>(&shrunk_term)
                .bind::<Array<Timestamptz>, _>(&shrunk_hour)
                .execute(conn)
                .await?;
            }
        }
        Ok(())
    }
}

/// Counts one batch of the queue. Returns how many queue entries it handled (0: the queue is empty, or
/// another instance is draining right now).
pub async fn drain(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<usize, DomainError, _>(async |conn| {
        #[derive(QueryableByName)]
        struct Locked {
            #[diesel(sql_type = Bool)]
            locked: bool,
        }
        let lock: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(DRAIN_LOCK)
            .get_result(conn)
            .await?;
        if !lock.locked {
            return Ok(0);
        }
        let queued: Vec<Queued> = diesel::sql_query(
            "SELECT id, source_type, source_id FROM talk_queue ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind::<BigInt, _>(BATCH)
        .load(conn)
        .await?;
        if queued.is_empty() {
            return Ok(0);
        }
        let mut posts: Vec<i64> = queued
            .iter()
            .filter(|q| q.source_type == "post")
            .map(|q| q.source_id)
            .collect();
        let mut mentions: Vec<i64> = queued
            .iter()
            .filter(|q| q.source_type == "mention")
            .map(|q| q.source_id)
            .collect();
        posts.sort_unstable();
        posts.dedup();
        mentions.sort_unstable();
        mentions.dedup();
        recount(conn, &posts, &mentions).await?;
        let ids: Vec<i64> = queued.iter().map(|q| q.id).collect();
        diesel::sql_query("DELETE FROM talk_queue WHERE id = ANY($1)")
            .bind::<Array<BigInt>, _>(&ids)
            .execute(conn)
            .await?;
        Ok(queued.len())
    })
    .await
}

/// Brings these posts' and mentions' contributions up to date (inside the caller's transaction).
pub(crate) async fn recount(
    conn: &mut AsyncPgConnection,
    posts: &[i64],
    mentions: &[i64],
) -> DomainResult<()> {
    let products = product_names(conn).await?;
    let cutoff = cutoff();
    let mut now: HashMap<(&'static str, i64), Contribution> = HashMap::new();
    for (kind, ids, sql) in [("post", posts, POSTS_SQL), ("mention", mentions, MENTIONS_SQL)] {
        if ids.is_empty() {
            continue;
        }
        let rows: Vec<Current> = diesel::sql_query(sql)
            .bind::<Array<BigInt>, _>(ids)
            .load(conn)
            .await?;
        for row in &rows {
            if let Some(c) = contribution(row, &products, cutoff) {
                now.insert((kind, row.id), c);
            }
        }
    }
    let before: Vec<Counted> = diesel::sql_query(
        "SELECT source_type, source_id, hour, mood, terms FROM talk_sources
          WHERE (source_type = 'post' AND source_id = ANY($1)) OR (source_type = 'mention' AND source_id = ANY($2))
          FOR UPDATE",
    )
    .bind::<Array<BigInt>, _>(posts)
    .bind::<Array<BigInt>, _>(mentions)
    .load(conn)
    .await?;
    let mut deltas = Deltas::default();
    let mut gone: Vec<(String, i64)> = Vec::new();
    let mut unchanged: std::collections::HashSet<(&'static str, i64)> = std::collections::HashSet::new();
    for old in &before {
        let kind: &'static str = if old.source_type == "post" {
            "post"
        } else {
            "mention"
        };
        let was = Contribution {
            hour: old.hour,
            mood: old.mood,
            terms: old.terms.clone(),
        };
        match now.get(&(kind, old.source_id)) {
            Some(c) if *c == was => {
                unchanged.insert((kind, old.source_id));
            }
            Some(_) => deltas.add(&was, -1),
            None => {
                deltas.add(&was, -1);
                gone.push((old.source_type.clone(), old.source_id));
            }
        }
    }
    let (mut kinds, mut ids, mut hours, mut moods, mut term_lists) = (vec![], vec![], vec![], vec![], vec![]);
    for ((kind, id), c) in &now {
        if unchanged.contains(&(*kind, *id)) {
            continue;
        }
        deltas.add(c, 1);
        kinds.push(kind.to_string());
        ids.push(*id);
        hours.push(c.hour);
        moods.push(c.mood);
        term_lists.push(serde_json::to_value(&c.terms).map_err(DomainError::internal)?);
    }
    deltas.apply(conn, cutoff).await?;
    if !gone.is_empty() {
        let (kinds, ids): (Vec<String>, Vec<i64>) = gone.into_iter().unzip();
        diesel::sql_query(
            "DELETE FROM talk_sources WHERE (source_type, source_id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))",
        )
        .bind::<Array<Text>, _>(&kinds)
        .bind::<Array<BigInt>, _>(&ids)
        .execute(conn)
        .await?;
    }
    if !ids.is_empty() {
        // Term lists travel as one JSON array of arrays (PostgreSQL arrays cannot be ragged).
        let lists = serde_json::Value::Array(term_lists);
        diesel::sql_query(
            "INSERT INTO talk_sources (source_type, source_id, hour, mood, terms)
             SELECT k, i, h, m, ARRAY(SELECT jsonb_array_elements_text(j -> (o - 1)::int))
               FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::smallint[]) WITH ORDINALITY AS u(k, i, h, m, o),
                    (SELECT $5::jsonb AS j) AS l
             ON CONFLICT (source_type, source_id) DO UPDATE
                SET hour = EXCLUDED.hour, mood = EXCLUDED.mood, terms = EXCLUDED.terms",
        )
        .bind::<Array<Text>, _>(&kinds)
        .bind::<Array<BigInt>, _>(&ids)
        .bind::<Array<Timestamptz>, _>(&hours)
        .bind::<Array<Int2>, _>(&moods)
        .bind::<diesel::sql_types::Jsonb, _>(&lists)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Removes buckets and counted sources older than [`KEEP_DAYS`] (the worker calls it with each ranking).
pub async fn prune(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let cutoff = cutoff();
    let buckets = diesel::sql_query("DELETE FROM talk_buckets WHERE hour < $1")
        .bind::<Timestamptz, _>(cutoff)
        .execute(&mut conn)
        .await?;
    let sources = diesel::sql_query("DELETE FROM talk_sources WHERE hour < $1")
        .bind::<Timestamptz, _>(cutoff)
        .execute(&mut conn)
        .await?;
    Ok(buckets + sources)
}

/// Recomputes every bucket from the posts and mentions of the last [`KEEP_DAYS`] (`hearth talking-point
/// rebuild`), all or nothing in one transaction: empties the counts and the queue, counts in batches (calling
/// `progress(done, total)` after each), and rebuilds the secondary indexes once at the end — much faster than
/// maintaining the GIN index row by row. Their definitions are read from the database, so the migration stays
/// their only source; a failure rolls the dropped indexes back with everything else.
pub async fn rebuild(hearth: &Hearth, mut progress: impl FnMut(i64, i64) + Send) -> DomainResult<i64> {
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    #[derive(QueryableByName)]
    struct IndexDef {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        def: String,
    }
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let mut conn = db::conn(hearth.db()).await?;
    let since = cutoff();
    conn.transaction::<i64, DomainError, _>(async |conn| {
        let total: Total = diesel::sql_query(
            "SELECT (SELECT count(*) FROM posts WHERE created_at >= $1)
                  + (SELECT count(*) FROM mentions WHERE posted_at >= $1) AS n",
        )
        .bind::<Timestamptz, _>(since)
        .get_result(conn)
        .await?;
        diesel::sql_query("TRUNCATE talk_buckets, talk_sources, talk_queue")
            .execute(conn)
            .await?;
        let indexes: Vec<IndexDef> = diesel::sql_query(
            "SELECT indexname AS name, indexdef AS def FROM pg_indexes
              WHERE tablename IN ('talk_sources', 'talk_buckets') AND indexname NOT LIKE '%_pkey'",
        )
        .load(conn)
        .await?;
        for index in &indexes {
            diesel::sql_query(format!("DROP INDEX \"{}\"", index.name.replace('"', "")))
                .execute(conn)
                .await?;
        }
        let mut done = 0i64;
        for (kind, table, at) in [
            ("post", "posts", "created_at"),
            ("mention", "mentions", "posted_at"),
        ] {
            let mut after = 0i64;
            loop {
                let ids: Vec<Id> = diesel::sql_query(format!(
                    "SELECT id FROM {table} WHERE id > $1 AND {at} >= $2 ORDER BY id LIMIT 5000"
                ))
                .bind::<BigInt, _>(after)
                .bind::<Timestamptz, _>(since)
                .load(conn)
                .await?;
                let Some(last) = ids.last().map(|i| i.id) else {
                    break;
                };
                let ids: Vec<i64> = ids.iter().map(|i| i.id).collect();
                if kind == "post" {
                    recount(conn, &ids, &[]).await?;
                } else {
                    recount(conn, &[], &ids).await?;
                }
                done += ids.len() as i64;
                after = last;
                progress(done, total.n);
            }
        }
        for index in &indexes {
            diesel::sql_query(index.def.clone()).execute(conn).await?;
        }
        Ok(done)
    })
    .await
}
