//! In-app notifications: one row per member and event, written in the transaction of the event itself. A
//! `dedupe_key` per member makes every event notify at most once, even when its request is retried.
//! (E-mail delivery, digests, preferences and live updates come with the notifications capability.)

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::accounts::Actor;
use crate::ids::{PostId, TopicId, UserId};
use crate::schema::notifications;
use crate::{DomainError, DomainResult, Hearth, db};

/// An event to tell a member about.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: UserId,
    /// `qa.invite`, `qa.answer`, `qa.accepted`, …
    pub kind: &'static str,
    pub actor_id: Option<UserId>,
    pub topic_id: Option<TopicId>,
    pub post_id: Option<PostId>,
    /// What happened, in one line ("Anybody experience with the Lumen X battery?").
    pub title: String,
    /// Where it happened (a path on this site).
    pub url: String,
    /// Unique per member: the same event never notifies twice.
    pub dedupe_key: String,
}

/// Stores notifications (inside the caller's transaction); repeats of an event are ignored.
pub async fn notify_in(conn: &mut AsyncPgConnection, items: &[NewNotification]) -> DomainResult<usize> {
    if items.is_empty() {
        return Ok(0);
    }
    let rows: Vec<_> = items
        .iter()
        .map(|n| {
            (
                notifications::user_id.eq(n.user_id),
                notifications::kind.eq(n.kind),
                notifications::actor_id.eq(n.actor_id),
                notifications::topic_id.eq(n.topic_id),
                notifications::post_id.eq(n.post_id),
                notifications::title.eq(&n.title),
                notifications::url.eq(&n.url),
                notifications::dedupe_key.eq(&n.dedupe_key),
            )
        })
        .collect();
    Ok(diesel::insert_into(notifications::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A page of a member's notifications, newest first (keyset on the id).
#[derive(Debug, Clone, Serialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub unread: i64,
    /// The id to pass as `before` for the next page.
    pub next: Option<i64>,
}

pub async fn list(
    hearth: &Hearth,
    actor: &Actor,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<NotificationPage> {
    let limit = limit.clamp(1, 100);
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<Notification> = notifications::table
        .filter(notifications::user_id.eq(actor.id))
        .filter(notifications::id.lt(before.unwrap_or(i64::MAX)))
        .order(notifications::id.desc())
        .limit(limit + 1)
        .select(Notification::as_select())
        .load(&mut conn)
        .await?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|n| n.id)
    } else {
        None
    };
    let unread = unread_in(&mut conn, actor.id).await?;
    Ok(NotificationPage { items, unread, next })
}

async fn unread_in(conn: &mut AsyncPgConnection, user: UserId) -> DomainResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
        .await?)
}

/// How many notifications a member has not read.
pub async fn unread_count(hearth: &Hearth, actor: &Actor) -> DomainResult<i64> {
    let mut conn = db::conn(hearth.db()).await?;
    unread_in(&mut conn, actor.id).await
}

/// Marks some (or, with `None`, all) of a member's notifications read; returns how many changed.
pub async fn mark_read(hearth: &Hearth, actor: &Actor, ids: Option<&[i64]>) -> DomainResult<usize> {
    if ids.is_some_and(|ids| ids.len() > 500) {
        return Err(DomainError::invalid("ids", "at most 500 at a time"));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let mine = notifications::table
        .filter(notifications::user_id.eq(actor.id))
        .filter(notifications::read_at.is_null());
    let changed = match ids {
        Some(ids) => {
            diesel::update(mine.filter(notifications::id.eq_any(ids)))
                .set(notifications::read_at.eq(diesel::dsl::now))
                .execute(&mut conn)
                .await?
        }
        None => {
            diesel::update(mine)
                .set(notifications::read_at.eq(diesel::dsl::now))
                .execute(&mut conn)
                .await?
        }
    };
    Ok(changed)
}

/// Who hears about a newly visible post, and why — one notification per member and post, the most specific reason
/// first: a mention, a quote of their post, a reply to their topic, then activity in a topic they watch (or, for a
/// new topic, in a category they watch). Only members who may see the category are told; the author never is.
/// Called inside the transaction that makes the post visible (written, or approved by a moderator); the dedupe key
/// makes a second call for the same post a no-op.
pub(crate) async fn on_post_visible_in(conn: &mut AsyncPgConnection, post: PostId) -> DomainResult<Vec<i64>> {
    use diesel::sql_types::{BigInt, Text};
    // The candidates, each with a priority; DISTINCT ON keeps the best reason per member.
    const SQL: &str = "
WITH p AS (
    SELECT p.id, p.topic_id, p.post_number, p.author_id, p.body_md, p.quote_post_id,
           t.title, t.author_id AS topic_author, t.kind, t.category_id, c.visibility, c.min_tier_id,
           a.username AS author_name
      FROM posts p JOIN topics t ON t.id = p.topic_id JOIN categories c ON c.id = t.category_id
      JOIN users a ON a.id = p.author_id
     WHERE p.id = $1 AND p.status = 'published' AND t.status = 'published'
),
candidates AS (
    SELECT u.id AS user_id, 1 AS prio, 'forums.mention' AS kind
      FROM p JOIN users u ON lower(u.username) = ANY($2::text[])
    UNION ALL
    SELECT q.author_id, 2, 'forums.quote' FROM p JOIN posts q ON q.id = p.quote_post_id
    UNION ALL
    SELECT p.topic_author, 3, 'forums.reply' FROM p WHERE p.post_number > 1 AND p.kind IN ('discussion', 'idea')
    UNION ALL
    SELECT w.user_id, 4, 'forums.watching' FROM p JOIN topic_watches w ON w.topic_id = p.topic_id
     WHERE p.post_number > 1 AND NOT (p.kind = 'question' AND w.user_id = p.topic_author)
    UNION ALL
    SELECT w.user_id, 5, 'forums.new_topic' FROM p JOIN category_watches w ON w.category_id = p.category_id
     WHERE p.post_number = 1
),
chosen AS (
    SELECT DISTINCT ON (c.user_id) c.user_id, c.kind
      FROM candidates c, p
     WHERE c.user_id <> p.author_id
     ORDER BY c.user_id, c.prio
)
INSERT INTO notifications (user_id, kind, actor_id, topic_id, post_id, title, url, dedupe_key)
SELECT ch.user_id, ch.kind, p.author_id, p.topic_id, p.id,
       CASE ch.kind
            WHEN 'forums.mention' THEN p.author_name || ' mentioned you in ' || p.title
            WHEN 'forums.quote' THEN p.author_name || ' quoted you in ' || p.title
            WHEN 'forums.reply' THEN p.author_name || ' replied to your topic ' || p.title
            WHEN 'forums.new_topic' THEN 'New topic in a category you watch: ' || p.title
            ELSE p.author_name || ' posted in ' || p.title END,
       '/t/' || p.topic_id || '?page=' || ((p.post_number - 1) / $3 + 1) || '#post-' || p.post_number,
       'post:' || p.id
  FROM chosen ch CROSS JOIN p
  JOIN users u ON u.id = ch.user_id
 WHERE p.visibility = 'public'
    OR cardinality(array_remove(u.roles, NULL)) > 0
    OR (p.visibility = 'club' AND EXISTS (
            SELECT 1 FROM club_members m LEFT JOIN club_tiers mt ON mt.id = m.tier_id
             LEFT JOIN club_tiers need ON need.id = p.min_tier_id
             WHERE m.user_id = u.id AND (need.id IS NULL OR COALESCE(mt.rank, -1) >= need.rank)))
ON CONFLICT (user_id, dedupe_key) DO NOTHING
RETURNING user_id";
    #[derive(diesel::QueryableByName)]
    struct Told {
        #[diesel(sql_type = BigInt)]
        user_id: i64,
    }
    let body: Option<String> = crate::schema::posts::table
        .find(post)
        .select(crate::schema::posts::body_md)
        .first(conn)
        .await
        .optional()?;
    let Some(body) = body else {
        return Ok(Vec::new());
    };
    let mentioned = crate::markdown::mentions(&body);
    let told: Vec<Told> = diesel::sql_query(SQL)
        .bind::<BigInt, _>(post.0)
        .bind::<diesel::sql_types::Array<Text>, _>(mentioned)
        .bind::<diesel::sql_types::Integer, _>(crate::forums::PAGE_SIZE)
        .load(conn)
        .await?;
    Ok(told.into_iter().map(|t| t.user_id).collect())
}
