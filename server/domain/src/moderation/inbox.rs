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
   AND ($5::text IS NULL OR ($5 = '' AND i.assigned_to IS NULL) OR au.username = $5)
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
    list_held(hearth, actor, kind, None, after, limit).await
}

/// As [`list`], only the items `holder` holds: `me`, `none` (nobody), a staff member's username; empty or `all`:
/// everyone's.
pub async fn list_held(
    hearth: &Hearth,
    actor: &Actor,
    kind: Option<&str>,
    holder: Option<&str>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> DomainResult<InboxPage> {
    require_staff(actor)?;
    let holder: Option<String> = match holder.map(str::trim) {
        None | Some("") | Some("all") => None,
        Some("none") => Some(String::new()),
        Some("me") => Some(actor.username.clone()),
        Some(name) => Some(name.trim_start_matches('@').to_owned()),
    };
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
        .bind::<Nullable<Text>, _>(holder)
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxAction {
    /// Assign it to oneself.
    Assign,
    /// Assign it to a staff member (by username); they are notified.
    AssignTo(String),
    /// Nobody holds it any more.
    Unassign,
    Handle,
}

impl InboxAction {
    /// Reads an action as forms and the API name it: `assign` (to `to`, or to oneself when `to` is empty),
    /// `unassign` or `handle`.
    pub fn parse(action: &str, to: Option<&str>) -> DomainResult<InboxAction> {
        let to = to.map(str::trim).filter(|t| !t.is_empty());
        match (action.trim(), to) {
            ("assign", None) => Ok(InboxAction::Assign),
            ("assign", Some(to)) => Ok(InboxAction::AssignTo(to.trim_start_matches('@').to_owned())),
            ("unassign", _) => Ok(InboxAction::Unassign),
            ("handle", _) => Ok(InboxAction::Handle),
            _ => Err(DomainError::invalid(
                "action",
                "must be assign, unassign or handle",
            )),
        }
    }
}

/// A staff member who may hold inbox items, with how many open items they hold.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct Holder {
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub display_name: Option<String>,
    /// Open items assigned to them (waiting, not handled).
    #[diesel(sql_type = BigInt)]
    pub holding: i64,
}

/// The brand's staff (who may be assigned items) and what each holds, most loaded first (staff).
pub async fn holders(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<Holder>> {
    require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    Ok(diesel::sql_query(
        "SELECT u.username, u.display_name,
                (SELECT count(*) FROM inbox_items i
                  WHERE i.assigned_to = u.id AND i.handled_at IS NULL AND i.first_response_at IS NULL) AS holding
           FROM users u
          WHERE u.roles && ARRAY['staff', 'admin']::text[] AND u.deleted_at IS NULL
          ORDER BY holding DESC, u.username
          LIMIT 200",
    )
    .load(&mut conn)
    .await?)
}

/// Assigns an item (to oneself or another staff member), releases it, or marks it handled (staff; audited).
pub async fn act(hearth: &Hearth, actor: &Actor, item: i64, action: InboxAction) -> DomainResult<()> {
    require_staff(actor)?;
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    let assignee: Option<(UserId, String)> = match &action {
        InboxAction::AssignTo(username) => {
            let found: Option<(UserId, Vec<Option<String>>)> = crate::schema::users::table
                .filter(crate::schema::users::username.eq(username))
                .filter(crate::schema::users::deleted_at.is_null())
                .select((crate::schema::users::id, crate::schema::users::roles))
                .first(&mut conn)
                .await
                .optional()?;
            match found {
                Some((id, roles)) if crate::accounts::Roles::from_db(&roles).is_staff() => {
                    Some((id, username.clone()))
                }
                Some(_) => return Err(DomainError::invalid("to", "is not on the brand's staff")),
                None => return Err(DomainError::invalid("to", "no such member")),
            }
        }
        InboxAction::Assign => Some((me, actor.username.clone())),
        _ => None,
    };
    conn.transaction::<(), DomainError, _>(async |conn| {
        let (assigned, handled): (Option<UserId>, Option<DateTime<Utc>>) = inbox_items::table
            .find(item)
            .select((inbox_items::assigned_to, inbox_items::handled_at))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("inbox item"))?;
        let now_assigned = match &action {
            InboxAction::Handle => assigned,
            InboxAction::Unassign => None,
            _ => assignee.as_ref().map(|(id, _)| *id),
        };
        match &action {
            InboxAction::Assign | InboxAction::AssignTo(_) | InboxAction::Unassign => {
                diesel::update(inbox_items::table.find(item))
                    .set((
                        inbox_items::assigned_to.eq(now_assigned),
                        inbox_items::assigned_at.eq(now_assigned.map(|_| Utc::now())),
                    ))
                    .execute(conn)
                    .await?;
                if let Some((to, _)) = &assignee
                    && *to != me
                    && assigned != Some(*to)
                {
                    let (title, url) = item_title_url(conn, item).await?;
                    crate::notifications::notify_in(
                        conn,
                        &[crate::notifications::NewNotification {
                            user_id: *to,
                            kind: "inbox.assigned",
                            actor_id: Some(me),
                            topic_id: None,
                            post_id: None,
                            title: format!("{} assigned you: {title}", actor.username),
                            url,
                            dedupe_key: format!("inbox.assigned:{item}:{}", Utc::now().timestamp_millis()),
                        }],
                    )
                    .await?;
                }
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
                    InboxAction::Assign | InboxAction::AssignTo(_) => "inbox.assign".into(),
                    InboxAction::Unassign => "inbox.unassign".into(),
                    InboxAction::Handle => "inbox.handle".into(),
                },
                target_type: "inbox_item".into(),
                target_id: Some(item),
                before: Some(serde_json::json!({ "assigned_to": assigned, "handled": handled.is_some() })),
                after: Some(serde_json::json!({
                    "assigned_to": now_assigned,
                    "assignee": assignee.as_ref().map(|(_, name)| name),
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

/// What an item is about and where to answer it, for the assignee's notification.
async fn item_title_url(conn: &mut AsyncPgConnection, item: i64) -> DomainResult<(String, String)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        title: String,
        #[diesel(sql_type = BigInt)]
        topic_id: i64,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        post_number: i32,
        #[diesel(sql_type = Nullable<Text>)]
        mention_url: Option<String>,
    }
    let row: Row = diesel::sql_query(
        "SELECT COALESCE(t.title, 'Said on ' || m.source) AS title, COALESCE(t.id, 0) AS topic_id,
                COALESCE(p.post_number, 0) AS post_number, m.url AS mention_url
           FROM inbox_items i
           LEFT JOIN topics t ON t.id = i.topic_id
           LEFT JOIN posts p ON p.id = i.post_id
           LEFT JOIN mentions m ON m.id = i.mention_id
          WHERE i.id = $1",
    )
    .bind::<BigInt, _>(item)
    .get_result(conn)
    .await?;
    let url = match row.mention_url {
        // The inbox lists it; the mention itself is on another site.
        Some(_) => "/staff/inbox".to_owned(),
        None => format!(
            "/t/{}?page={}#post-{}",
            row.topic_id,
            crate::forums::views::page_of(row.post_number),
            row.post_number
        ),
    };
    Ok((row.title, url))
}
