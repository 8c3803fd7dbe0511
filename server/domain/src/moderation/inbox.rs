//! The staff inbox: a brand that listens answers every customer, not only the loud ones. Oldest first: questions
//! nobody answered after N hours, and detractor posts (clearly negative by VADER, scored when written) that no
//! staff member has answered yet. Staff assign items to themselves and mark them handled; the waiting time and
//! the first staff response are recorded.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::rules::Rules;
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::{PostId, TopicId, UserId};
use crate::schema::inbox_items;
use crate::{DomainError, DomainResult, Hearth, db};

pub const INBOX_PAGE: i64 = 30;

fn require_staff(actor: &Actor) -> DomainResult<()> {
    if actor.roles.is_staff() {
        Ok(())
    } else {
        Err(DomainError::forbidden("The inbox is for the brand's staff."))
    }
}

/// A published post by a member that reads clearly negative enters the inbox (inside the post's transaction).
pub(crate) async fn note_detractor_in(
    conn: &mut AsyncPgConnection,
    rules: &Rules,
    post: PostId,
    sentiment: f32,
) -> DomainResult<()> {
    if !rules.inbox.enabled || f64::from(sentiment) > rules.inbox.detractor_below {
        return Ok(());
    }
    let added = diesel::sql_query(
        "INSERT INTO inbox_items (kind, topic_id, post_id, waiting_since)
         SELECT 'detractor', p.topic_id, p.id, p.created_at FROM posts p WHERE p.id = $1
         ON CONFLICT (post_id, kind) DO NOTHING",
    )
    .bind::<BigInt, _>(post.0)
    .execute(conn)
    .await?;
    if added > 0 {
        crate::webhooks::payloads::inbox_detractor_post(conn, post).await?;
    }
    Ok(())
}

/// Published mentions that read clearly negative enter the inbox as detractors (inside the mention's
/// transaction). Staff answer them where they were said and mark them handled.
pub(crate) async fn note_detractor_mentions_in(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let rules = super::rules::load_in(conn).await?;
    if !rules.inbox.enabled {
        return Ok(());
    }
    #[derive(QueryableByName)]
    struct Added {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let added: Vec<Added> = diesel::sql_query(
        "INSERT INTO inbox_items (kind, mention_id, waiting_since)
         SELECT 'detractor', m.id, m.posted_at FROM mentions m
          WHERE m.id = ANY($1) AND m.status = 'published' AND m.sentiment <= $2
         ON CONFLICT (mention_id) DO NOTHING
         RETURNING id",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
    .bind::<diesel::sql_types::Float8, _>(rules.inbox.detractor_below)
    .load(conn)
    .await?;
    for item in added {
        crate::webhooks::payloads::inbox_detractor_item(conn, item.id).await?;
    }
    Ok(())
}

/// A staff member replied in the topic: every item of it not yet answered has its first response now.
pub(crate) async fn first_response_in(
    conn: &mut AsyncPgConnection,
    topic: TopicId,
    staff: UserId,
) -> DomainResult<()> {
    diesel::update(inbox_items::table)
        .filter(inbox_items::topic_id.eq(topic))
        .filter(inbox_items::first_response_at.is_null())
        .set((
            inbox_items::first_response_at.eq(diesel::dsl::now),
            inbox_items::first_responder_id.eq(Some(staff)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds the questions that waited longer than the setting without an answer (the worker calls this each
/// minute). Returns how many entered.
pub async fn sweep(hearth: &Hearth) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let rules = super::rules::load_in(&mut conn).await?;
    if !rules.inbox.enabled {
        return Ok(0);
    }
    Ok(diesel::sql_query(
        "INSERT INTO inbox_items (kind, topic_id, post_id, waiting_since)
         SELECT 'unanswered', q.topic_id, p.id, q.asked_at
           FROM questions q
           JOIN topics t ON t.id = q.topic_id AND t.status = 'published'
           JOIN posts p ON p.topic_id = q.topic_id AND p.post_number = 1
          WHERE q.state = 'open' AND q.answer_count = 0 AND q.asked_at < now() - make_interval(hours => $1)
         ON CONFLICT (post_id, kind) DO NOTHING",
    )
    .bind::<diesel::sql_types::Integer, _>(rules.inbox.unanswered_hours)
    .execute(&mut conn)
    .await?)
}

#[derive(Debug, Clone, QueryableByName, Serialize)]
pub struct InboxItem {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// unanswered or detractor
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub topic_id: i64,
    #[diesel(sql_type = Text)]
    pub topic_title: String,
    #[diesel(sql_type = Text)]
    pub topic_kind: String,
    #[diesel(sql_type = BigInt)]
    pub post_id: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub post_number: i32,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Float4>)]
    pub sentiment: Option<f32>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub waiting_since: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assigned_to: Option<String>,
    /// For a mention from outside the community: where it was said and its address.
    #[diesel(sql_type = Nullable<Text>)]
    pub source: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub mention_url: Option<String>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub first_response_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub handled_at: Option<DateTime<Utc>>,
}

impl InboxItem {
    /// Where to answer it: the post on its topic's page, or the mention where it was said.
    pub fn url(&self) -> String {
        match &self.mention_url {
            Some(url) => url.clone(),
            None => format!(
                "/t/{}?page={}#post-{}",
                self.topic_id,
                crate::forums::views::page_of(self.post_number),
                self.post_number
            ),
        }
    }

    /// Seconds waited so far (or until the first staff response).
    pub fn waiting_secs(&self, now: DateTime<Utc>) -> i64 {
        (self.first_response_at.unwrap_or(now) - self.waiting_since)
            .num_seconds()
            .max(0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    /// (waiting_since, id) of the last item, for the next page.
    pub next: Option<(DateTime<Utc>, i64)>,
    /// Median seconds to the first staff response over the last 30 days (None: no responses yet).
    pub median_first_response_secs: Option<i64>,
    pub waiting: i64,
}

const INBOX_SQL: &str = "
SELECT i.id, i.kind, COALESCE(t.id, 0) AS topic_id, COALESCE(t.title, 'Said on ' || m.source) AS topic_title,
       COALESCE(t.kind, 'mention') AS topic_kind, COALESCE(p.id, 0) AS post_id, COALESCE(p.post_number, 0) AS post_number,
       left(COALESCE(p.body_md, m.body), 280) AS excerpt, COALESCE(u.username, m.author_handle) AS author,
       COALESCE(p.sentiment, m.sentiment) AS sentiment, i.waiting_since,
       au.username AS assigned_to, i.first_response_at, i.handled_at, m.source, m.url AS mention_url
  FROM inbox_items i
  LEFT JOIN topics t ON t.id = i.topic_id
  LEFT JOIN posts p ON p.id = i.post_id
  LEFT JOIN users u ON u.id = p.author_id
  LEFT JOIN mentions m ON m.id = i.mention_id
  LEFT JOIN users au ON au.id = i.assigned_to
  LEFT JOIN questions q ON q.topic_id = i.topic_id
 WHERE i.handled_at IS NULL AND i.first_response_at IS NULL
   AND CASE WHEN i.mention_id IS NULL THEN t.status = 'published' AND p.status = 'published'
            ELSE m.status = 'published' END
   AND (i.kind = 'detractor' OR q.answer_count = 0)
   AND ($1::text IS NULL OR i.kind = $1)
   AND (i.waiting_since, i.id) > ($2, $3)
 ORDER BY i.waiting_since, i.id
 LIMIT $4";

/// The items waiting for the team, oldest first (staff).
pub async fn list(
    hearth: &Hearth,
    actor: &Actor,
    kind: Option<&str>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> DomainResult<InboxPage> {
    require_staff(actor)?;
    let kind = match kind.map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(k @ ("unanswered" | "detractor")) => Some(k.to_owned()),
        Some(_) => return Err(DomainError::invalid("kind", "must be unanswered or detractor")),
    };
    let limit = limit.clamp(1, 100);
    let (after_at, after_id) = after.unwrap_or((DateTime::<Utc>::UNIX_EPOCH, 0));
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<InboxItem> = diesel::sql_query(INBOX_SQL)
        .bind::<Nullable<Text>, _>(kind)
        .bind::<diesel::sql_types::Timestamptz, _>(after_at)
        .bind::<BigInt, _>(after_id)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = (items.len() as i64 > limit).then(|| {
        items.truncate(limit as usize);
        items
            .last()
            .map(|i| (i.waiting_since, i.id))
            .unwrap_or((after_at, after_id))
    });
    #[derive(QueryableByName)]
    struct Stats {
        #[diesel(sql_type = Nullable<diesel::sql_types::Double>)]
        median: Option<f64>,
        #[diesel(sql_type = BigInt)]
        waiting: i64,
    }
    let stats: Stats = diesel::sql_query(
        "SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - waiting_since))::float8
                   FROM inbox_items WHERE first_response_at > now() - interval '30 days') AS median,
                (SELECT count(*) FROM inbox_items WHERE handled_at IS NULL AND first_response_at IS NULL) AS waiting",
    )
    .get_result(&mut conn)
    .await?;
    Ok(InboxPage {
        items,
        next,
        median_first_response_secs: stats.median.map(|m| m.round() as i64),
        waiting: stats.waiting,
    })
}

/// What staff do to an inbox item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxAction {
    Assign,
    Handle,
}

/// Assigns an item to oneself or marks it handled (staff; audited).
pub async fn act(hearth: &Hearth, actor: &Actor, item: i64, action: InboxAction) -> DomainResult<()> {
    require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let (assigned, handled): (Option<UserId>, Option<DateTime<Utc>>) = inbox_items::table
            .find(item)
            .select((inbox_items::assigned_to, inbox_items::handled_at))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("inbox item"))?;
        match action {
            InboxAction::Assign => {
                diesel::update(inbox_items::table.find(item))
                    .set((
                        inbox_items::assigned_to.eq(Some(me)),
                        inbox_items::assigned_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
            InboxAction::Handle => {
                if handled.is_some() {
                    return Ok(());
                }
                diesel::update(inbox_items::table.find(item))
                    .set((
                        inbox_items::handled_at.eq(diesel::dsl::now),
                        inbox_items::handled_by.eq(Some(me)),
                    ))
                    .execute(conn)
                    .await?;
                crate::webhooks::payloads::inbox_handled(conn, item).await?;
            }
        }
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(me),
                action: match action {
                    InboxAction::Assign => "inbox.assign".into(),
                    InboxAction::Handle => "inbox.handle".into(),
                },
                target_type: "inbox_item".into(),
                target_id: Some(item),
                before: Some(serde_json::json!({ "assigned_to": assigned, "handled": handled.is_some() })),
                after: Some(serde_json::json!({
                    "assigned_to": if action == InboxAction::Assign { Some(me) } else { assigned },
                    "handled": action == InboxAction::Handle || handled.is_some(),
                })),
                reason: String::new(),
            },
        )
        .await
    })
    .await
}

/// The recorded times of an item: (waiting since, first staff response, handled).
pub async fn times(
    hearth: &Hearth,
    item: i64,
) -> DomainResult<(DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let mut conn = db::conn(hearth.db()).await?;
    inbox_items::table
        .find(item)
        .select((
            inbox_items::waiting_since,
            inbox_items::first_response_at,
            inbox_items::handled_at,
        ))
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("inbox item"))
}
