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
