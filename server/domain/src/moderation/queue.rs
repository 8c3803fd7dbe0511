//! The one moderation queue: posts and comments the rules held, content members flagged, and appeals. Oldest
//! first, filterable, with the author's history and what put each item there. Approving publishes (or keeps)
//! the content; rejecting removes it with a reason the author reads; both resolve every open item and flag of
//! the content, in one transaction with the audit row and the author's notification.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::{Content, require_moderator};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::{PostId, TopicId, UserId};
use crate::notifications::{self, NewNotification};
use crate::schema::{
    answer_comments, appeals, categories, flags, moderation_queue, post_pending_edits, posts, topics, users,
};
use crate::{DomainError, DomainResult, Hearth, db};

pub const QUEUE_PAGE: i64 = 25;

/// Which items to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// held, flagged or appeal
    pub kind: Option<String>,
    /// a rule (too_brief, link_limit, …) or a flag reason (spam, abusive, …)
    pub reason: Option<String>,
    /// topic, reply, question, answer, idea or comment
    pub content_type: Option<String>,
    /// the last id already shown
    pub after: Option<i64>,
}

pub const KINDS: [&str; 4] = ["held", "flagged", "appeal", "edit"];
pub const REASONS: [&str; 11] = [
    "too_brief",
    "link_limit",
    "link_promotion",
    "words",
    "first_posts",
    "partner_hold",
    "spam",
    "abusive",
    "off_topic",
    "other",
    "appeal",
];
pub const CONTENT_TYPES: [&str; 6] = ["topic", "reply", "question", "answer", "idea", "comment"];

/// One flag as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FlagView {
    pub by: String,
    pub reason: String,
    pub note: String,
    pub weight: i32,
}

#[derive(Debug, Clone, QueryableByName, Serialize)]
pub struct QueueItem {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub reason: String,
    #[diesel(sql_type = Text)]
    pub detail: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub post_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub comment_id: Option<i64>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Integer>)]
    pub post_number: Option<i32>,
    /// topic, reply, question, answer, idea or comment
    #[diesel(sql_type = Text)]
    pub content_type: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Text)]
    pub body_html: String,
    #[diesel(sql_type = BigInt)]
    pub topic_id: i64,
    #[diesel(sql_type = Text)]
    pub topic_title: String,
    #[diesel(sql_type = Text)]
    pub topic_kind: String,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = Text)]
    pub author: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub author_joined: DateTime<Utc>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub author_suspended_until: Option<DateTime<Utc>>,
    /// The author's history: published posts, items rejected before, warnings, flags on their posts.
    #[diesel(sql_type = BigInt)]
    pub author_posts: i64,
    #[diesel(sql_type = BigInt)]
    pub author_rejected: i64,
    #[diesel(sql_type = BigInt)]
    pub author_warnings: i64,
    #[diesel(sql_type = BigInt)]
    pub author_flags: i64,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    #[serde(skip)]
    pub flags_json: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub appeal: Option<String>,
}

impl QueueItem {
    pub fn flags(&self) -> Vec<FlagView> {
        serde_json::from_value(self.flags_json.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub next: Option<i64>,
    /// Open items in all (whatever the filter).
    pub open: i64,
}

const QUEUE_SQL: &str = "
SELECT * FROM (
  SELECT q.id, q.kind, q.reason, q.detail, q.created_at, q.post_id, q.comment_id, p.post_number,
         CASE WHEN q.comment_id IS NOT NULL THEN 'comment'
              WHEN p.post_number = 1 THEN CASE t.kind WHEN 'discussion' THEN 'topic' ELSE t.kind END
              WHEN t.kind = 'question' THEN 'answer'
              WHEN t.kind = 'idea' THEN 'comment'
              ELSE 'reply' END AS content_type,
         COALESCE(p.status, c.status) AS status, COALESCE(pe.body_html, p.body_html, c.body_html) AS body_html,
         t.id AS topic_id, COALESCE(pe.title, t.title) AS topic_title, t.kind AS topic_kind,
         u.id AS author_id, u.username AS author, u.created_at AS author_joined,
         u.suspended_until AS author_suspended_until,
         (SELECT count(*) FROM posts ap WHERE ap.author_id = u.id AND ap.status = 'published') AS author_posts,
         (SELECT count(*) FROM moderation_queue r WHERE r.author_id = u.id AND r.state = 'rejected') AS author_rejected,
         (SELECT count(*) FROM member_sanctions s WHERE s.user_id = u.id AND s.kind = 'warn') AS author_warnings,
         (SELECT count(*) FROM flags f JOIN posts fp ON fp.id = f.post_id WHERE fp.author_id = u.id) AS author_flags,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('by', fu.username, 'reason', f.reason, 'note', f.note,
                                                       'weight', f.weight) ORDER BY f.id)
                     FROM flags f JOIN users fu ON fu.id = f.flagger_id
                    WHERE f.post_id = q.post_id AND f.resolved_at IS NULL), '[]'::jsonb) AS flags_json,
         (SELECT a.body FROM appeals a WHERE a.post_id = q.post_id OR a.comment_id = q.comment_id LIMIT 1) AS appeal
    FROM moderation_queue q
    LEFT JOIN posts p ON p.id = q.post_id
    LEFT JOIN post_pending_edits pe ON q.kind = 'edit' AND pe.post_id = q.post_id
    LEFT JOIN answer_comments c ON c.id = q.comment_id
    LEFT JOIN posts cp ON cp.id = c.post_id
    JOIN topics t ON t.id = COALESCE(p.topic_id, cp.topic_id)
    JOIN users u ON u.id = q.author_id
   WHERE q.state = 'open' AND q.id > $1
     AND ($2::text IS NULL OR q.kind = $2) AND ($3::text IS NULL OR q.reason = $3)
   ORDER BY q.id
) x
WHERE ($4::text IS NULL OR x.content_type = $4)
ORDER BY x.id
LIMIT $5";

fn known(value: &Option<String>, allowed: &[&str], field: &str) -> DomainResult<Option<String>> {
    match value.as_deref().map(str::trim) {
        None | Some("") | Some("all") => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
        Some(_) => Err(DomainError::invalid(
            field,
            format!("must be one of: {}", allowed.join(", ")),
        )),
    }
}

/// The open items, oldest first (moderators and staff).
pub async fn list(
    hearth: &Hearth,
    actor: &Actor,
    filter: &QueueFilter,
    limit: i64,
) -> DomainResult<QueuePage> {
    require_moderator(actor)?;
    let kind = known(&filter.kind, &KINDS, "kind")?;
    let reason = known(&filter.reason, &REASONS, "reason")?;
    let content_type = known(&filter.content_type, &CONTENT_TYPES, "type")?;
    let limit = limit.clamp(1, 100);
    let mut conn = db::conn(hearth.db()).await?;
    let mut items: Vec<QueueItem> = diesel::sql_query(QUEUE_SQL)
        .bind::<BigInt, _>(filter.after.unwrap_or(0))
        .bind::<Nullable<Text>, _>(kind)
        .bind::<Nullable<Text>, _>(reason)
        .bind::<Nullable<Text>, _>(content_type)
        .bind::<BigInt, _>(limit + 1)
        .load(&mut conn)
        .await?;
    let next = (items.len() as i64 > limit).then(|| {
        items.truncate(limit as usize);
        items.last().map(|i| i.id).unwrap_or(0)
    });
    let open: i64 = moderation_queue::table
        .filter(moderation_queue::state.eq("open"))
        .count()
        .get_result(&mut conn)
        .await?;
    Ok(QueuePage { items, next, open })
}

/// The post row fields a status change needs.
#[derive(Debug, Clone, Queryable)]
struct PostState {
    id: PostId,
    topic_id: TopicId,
    post_number: i32,
    author_id: UserId,
    status: String,
}

/// Changes a post's status and keeps the counters of its topic, category and question right: a post that leaves
/// `published` is taken out of them, one that enters it is counted (an answer that appears notifies the asker).
pub(crate) async fn set_post_status_in(
    conn: &mut AsyncPgConnection,
    post: PostId,
    status: &str,
    reason: Option<&str>,
) -> DomainResult<()> {
    let p: PostState = posts::table
        .find(post)
        .select((
            posts::id,
            posts::topic_id,
            posts::post_number,
            posts::author_id,
            posts::status,
        ))
        .for_update()
        .first(conn)
        .await?;
    let (category, kind, title, asker): (i64, String, String, UserId) = topics::table
        .find(p.topic_id)
        .select((
            topics::category_id,
            topics::kind,
            topics::title,
            topics::author_id,
        ))
        .for_update()
        .first(conn)
        .await?;
    let was = p.status == "published";
    let will = status == "published";
    diesel::update(posts::table.find(p.id))
        .set((
            posts::status.eq(status),
            posts::held_reason.eq(reason),
            posts::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    if p.post_number == 1 {
        diesel::update(topics::table.find(p.topic_id))
            .set((
                topics::status.eq(status),
                topics::held_reason.eq(reason),
                topics::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
    }
    if was == will {
        return Ok(());
    }
    if will {
        // Told inside the approval's transaction; the notification worker rings their live bells.
        crate::notifications::on_post_visible_in(conn, p.id).await?;
    }
    let delta: i32 = if will { 1 } else { -1 };
    if p.post_number == 1 {
        let published: i64 = posts::table
            .filter(posts::topic_id.eq(p.topic_id))
            .filter(posts::status.eq("published"))
            .filter(posts::post_number.gt(1))
            .count()
            .get_result(conn)
            .await?;
        let posts_delta = delta * (published as i32 + 1);
        diesel::update(categories::table.find(category))
            .set((
                categories::topic_count.eq(categories::topic_count + delta),
                categories::post_count.eq(categories::post_count + posts_delta),
                categories::last_posted_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        // Held content that a moderator publishes is new to the company's systems (not a re-published one).
        if will && p.status == "pending" {
            if kind == "question" {
                crate::qa::invite_owners_in(conn, p.topic_id).await?;
            }
            crate::webhooks::payloads::topic_published(conn, p.topic_id).await?;
        }
        return Ok(());
    }
    diesel::update(categories::table.find(category))
        .set(categories::post_count.eq(categories::post_count + delta))
        .execute(conn)
        .await?;
    diesel::sql_query(
        "UPDATE topics t SET
            reply_count = (SELECT count(*) FROM posts p WHERE p.topic_id = t.id AND p.status = 'published' AND p.post_number > 1),
            last_post_number = COALESCE((SELECT max(post_number) FROM posts p WHERE p.topic_id = t.id AND p.status = 'published'), 1),
            last_posted_at = CASE WHEN $2 THEN now() ELSE t.last_posted_at END,
            last_poster_id = CASE WHEN $2 THEN $3 ELSE t.last_poster_id END,
            updated_at = now()
          WHERE t.id = $1",
    )
    .bind::<BigInt, _>(p.topic_id.0)
    .bind::<diesel::sql_types::Bool, _>(will)
    .bind::<BigInt, _>(p.author_id.0)
    .execute(conn)
    .await?;
    if kind == "question" {
        if will {
            crate::qa::on_answer(conn, p.topic_id, &title, asker, p.id, p.author_id).await?;
        } else {
            diesel::sql_query(
                "UPDATE questions SET answer_count = GREATEST(answer_count - 1, 0), updated_at = now() WHERE topic_id = $1",
            )
            .bind::<BigInt, _>(p.topic_id.0)
            .execute(conn)
            .await?;
        }
    }
    if will && p.status == "pending" {
        crate::webhooks::payloads::reply_published(conn, p.id).await?;
    }
    Ok(())
}

/// A content's author, status and where it lives (topic, post for links).
struct Target {
    author: UserId,
    status: String,
    topic: TopicId,
    post: PostId,
    number: i32,
}

async fn target_in(conn: &mut AsyncPgConnection, content: Content) -> DomainResult<Target> {
    match content {
        Content::Post(post) => {
            let (author, topic, number, status) = super::post_facts(conn, post).await?;
            Ok(Target {
                author,
                status,
                topic,
                post,
                number,
            })
        }
        Content::Comment(id) => {
            let (author, status, post): (UserId, String, PostId) = answer_comments::table
                .find(id)
                .select((
                    answer_comments::author_id,
                    answer_comments::status,
                    answer_comments::post_id,
                ))
                .first(conn)
                .await
                .optional()?
                .ok_or(DomainError::NotFound("comment"))?;
            let (_, topic, number, _) = super::post_facts(conn, post).await?;
            Ok(Target {
                author,
                status,
                topic,
                post,
                number,
            })
        }
    }
}

async fn set_status_in(
    conn: &mut AsyncPgConnection,
    content: Content,
    status: &str,
    reason: Option<&str>,
) -> DomainResult<()> {
    match content {
        Content::Post(post) => set_post_status_in(conn, post, status, reason).await,
        Content::Comment(id) => {
            diesel::update(answer_comments::table.find(id))
                .set((
                    answer_comments::status.eq(status),
                    answer_comments::held_reason.eq(reason),
                ))
                .execute(conn)
                .await?;
            Ok(())
        }
    }
}

/// Resolves every open queue item (and flag) of a content.
async fn resolve_open_in(
    conn: &mut AsyncPgConnection,
    content: Content,
    state: &str,
    by: UserId,
    note: &str,
) -> DomainResult<()> {
    let update = diesel::update(moderation_queue::table)
        .filter(moderation_queue::state.eq("open"))
        // A pending edit is decided on its own (approving a flag must not apply or drop it).
        .filter(moderation_queue::kind.ne("edit"))
        .set((
            moderation_queue::state.eq(state),
            moderation_queue::resolved_by.eq(Some(by)),
            moderation_queue::resolved_at.eq(diesel::dsl::now),
            moderation_queue::resolution.eq(note),
        ));
    match content {
        Content::Post(post) => {
            update
                .filter(moderation_queue::post_id.eq(post.0))
                .execute(conn)
                .await?;
            diesel::update(flags::table)
                .filter(flags::post_id.eq(post))
                .filter(flags::resolved_at.is_null())
                .set((
                    flags::outcome.eq(if state == "approved" {
                        "dismissed"
                    } else {
                        "agreed"
                    }),
                    flags::resolved_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
        }
        Content::Comment(id) => {
            update
                .filter(moderation_queue::comment_id.eq(id))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

fn link_of(t: &Target) -> String {
    format!("/t/{}?post={}#post-{}", t.topic, t.post, t.number)
}

async fn notify_author_in(
    conn: &mut AsyncPgConnection,
    t: &Target,
    kind: &'static str,
    title: String,
    key: String,
    by: UserId,
) -> DomainResult<()> {
    notifications::notify_in(
        conn,
        &[NewNotification {
            user_id: t.author,
            kind,
            actor_id: Some(by),
            topic_id: Some(t.topic),
            post_id: Some(t.post),
            title,
            url: link_of(t),
            dedupe_key: key,
        }],
    )
    .await?;
    Ok(())
}

async fn open_item(conn: &mut AsyncPgConnection, id: i64) -> DomainResult<(Content, String)> {
    let (state, post, comment, kind): (String, Option<i64>, Option<i64>, String) = moderation_queue::table
        .find(id)
        .select((
            moderation_queue::state,
            moderation_queue::post_id,
            moderation_queue::comment_id,
            moderation_queue::kind,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("queue item"))?;
    if state != "open" {
        return Err(DomainError::Conflict {
            field: None,
            message: format!("This item was already handled ({state})."),
        });
    }
    let content = match (post, comment) {
        (Some(p), _) => Content::Post(PostId(p)),
        (None, Some(c)) => Content::Comment(c),
        (None, None) => return Err(DomainError::NotFound("queue item")),
    };
    Ok((content, kind))
}

/// Approves a queue item: held or appealed content is published, flagged content stays (or comes back) and its
/// flags are dismissed. Audited; the author of held or appealed content is told.
pub async fn approve(hearth: &Hearth, actor: &Actor, item: i64, note: &str) -> DomainResult<()> {
    require_moderator(actor)?;
    let note = crate::text::line(note).map_err(|m| DomainError::invalid("reason", m))?;
    let mut conn = db::conn(hearth.db()).await?;
    let by = actor.id;
    let appeared = conn
        .transaction::<Option<crate::live::LiveEvent>, DomainError, _>(async |conn| {
            let (content, kind) = open_item(conn, item).await?;
            let t = target_in(conn, content).await?;
            if t.status == "deleted" {
                return Err(DomainError::NotFound("post"));
            }
            if kind == "edit" {
                decide_edit_in(conn, item, &t, true, &note, by).await?;
                return Ok(None);
            }
            set_status_in(conn, content, "published", None).await?;
            if kind == "held" {
                diesel::update(users::table.find(t.author))
                    .set(users::approved_posts.eq(users::approved_posts + 1))
                    .execute(conn)
                    .await?;
            }
            resolve_open_in(conn, content, "approved", by, &note).await?;
            if t.status != "published" {
                notify_author_in(
                    conn,
                    &t,
                    "moderation.approved",
                    "A moderator approved your post; it is visible to everyone now.".into(),
                    format!("moderation.approved:{item}"),
                    by,
                )
                .await?;
                let rules = super::rules::load_in(conn).await?;
                if let Content::Post(post) = content {
                    let sentiment: Option<f32> = posts::table
                        .find(post)
                        .select(posts::sentiment)
                        .first(conn)
                        .await?;
                    let team = users::table
                        .find(t.author)
                        .select(users::roles)
                        .first::<Vec<Option<String>>>(conn)
                        .await?
                        .iter()
                        .any(Option::is_some);
                    if !team {
                        super::inbox::note_detractor_in(conn, &rules, post, sentiment.unwrap_or(0.0)).await?;
                    }
                }
            }
            crate::webhooks::payloads::moderation_decision(conn, item, "approved", &note, by).await?;
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(by),
                    action: format!("queue.approve.{kind}"),
                    target_type: target_type(content).into(),
                    target_id: Some(target_id(content)),
                    before: Some(serde_json::json!({ "status": t.status })),
                    after: Some(serde_json::json!({ "status": "published", "queue_item": item })),
                    reason: note.clone(),
                },
            )
            .await?;
            // A post that was not visible before appears on open pages of its topic.
            Ok(match content {
                Content::Post(_) if t.status != "published" => {
                    Some(crate::live::LiveEvent::post(t.topic.0, t.post.0, t.number))
                }
                _ => None,
            })
        })
        .await?;
    crate::live::publish(hearth, appeared.into_iter().collect()).await;
    Ok(())
}

/// Decides a held edit: approved, the post takes the edited text (the previous one becomes a revision);
/// rejected, the edit is dropped and the post stays as it was. The author is told; audited.
async fn decide_edit_in(
    conn: &mut AsyncPgConnection,
    item: i64,
    t: &Target,
    approve: bool,
    note: &str,
    by: UserId,
) -> DomainResult<()> {
    if approve {
        crate::forums::apply_pending_edit_in(conn, t.post).await?;
    } else {
        diesel::delete(post_pending_edits::table.find(t.post))
            .execute(conn)
            .await?;
    }
    let state = if approve { "approved" } else { "rejected" };
    diesel::update(moderation_queue::table.find(item))
        .set((
            moderation_queue::state.eq(state),
            moderation_queue::resolved_by.eq(Some(by)),
            moderation_queue::resolved_at.eq(diesel::dsl::now),
            moderation_queue::resolution.eq(note),
        ))
        .execute(conn)
        .await?;
    let (kind, title) = if approve {
        (
            "moderation.edit_approved",
            "A moderator approved your edit; everyone sees it now.".to_owned(),
        )
    } else {
        (
            "moderation.edit_rejected",
            format!("A moderator rejected your edit (the post stays as it was): {note}"),
        )
    };
    notify_author_in(conn, t, kind, title, format!("{kind}:{item}"), by).await?;
    crate::webhooks::payloads::moderation_decision(conn, item, state, note, by).await?;
    audit::record(
        conn,
        NewAuditEntry {
            actor_id: Some(by),
            action: format!("queue.{}.edit", if approve { "approve" } else { "reject" }),
            target_type: "post".into(),
            target_id: Some(t.post.0),
            before: None,
            after: Some(serde_json::json!({ "edit": state, "queue_item": item })),
            reason: note.to_owned(),
        },
    )
    .await
}

fn target_type(content: Content) -> &'static str {
    match content {
        Content::Post(_) => "post",
        Content::Comment(_) => "comment",
    }
}

fn target_id(content: Content) -> i64 {
    match content {
        Content::Post(p) => p.0,
        Content::Comment(c) => c,
    }
}

fn required_reason(reason: &str) -> DomainResult<String> {
    let reason = crate::text::line(reason).map_err(|m| DomainError::invalid("reason", m))?;
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(DomainError::invalid(
            "reason",
            "tell the author why, in 3 to 500 characters",
        ));
    }
    Ok(reason)
}

/// Rejects a queue item: the content is removed from view (status `rejected`) with the reason, which the author
/// reads on the post and in a notification; flags are agreed with. Audited.
pub async fn reject(hearth: &Hearth, actor: &Actor, item: i64, reason: &str) -> DomainResult<()> {
    require_moderator(actor)?;
    let reason = required_reason(reason)?;
    let mut conn = db::conn(hearth.db()).await?;
    let by = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let (content, kind) = open_item(conn, item).await?;
        let t = target_in(conn, content).await?;
        if kind == "edit" {
            return decide_edit_in(conn, item, &t, false, &reason, by).await;
        }
        let shown = format!("Rejected by a moderator: {reason}");
        set_status_in(conn, content, "rejected", Some(&shown)).await?;
        resolve_open_in(conn, content, "rejected", by, &reason).await?;
        notify_author_in(
            conn,
            &t,
            "moderation.rejected",
            format!("A moderator rejected your post: {reason}"),
            format!("moderation.rejected:{item}"),
            by,
        )
        .await?;
        crate::webhooks::payloads::moderation_decision(conn, item, "rejected", &reason, by).await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(by),
                action: format!("queue.reject.{kind}"),
                target_type: target_type(content).into(),
                target_id: Some(target_id(content)),
                before: Some(serde_json::json!({ "status": t.status })),
                after: Some(serde_json::json!({ "status": "rejected", "queue_item": item })),
                reason: reason.clone(),
            },
        )
        .await
    })
    .await
}

/// Hides a published post (moderators and staff): out of view with the reason; the author may appeal. Audited.
pub async fn hide_post(hearth: &Hearth, actor: &Actor, post: PostId, reason: &str) -> DomainResult<()> {
    require_moderator(actor)?;
    let reason = required_reason(reason)?;
    let mut conn = db::conn(hearth.db()).await?;
    let by = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let t = target_in(conn, Content::Post(post)).await?;
        if t.status == "deleted" {
            return Err(DomainError::NotFound("post"));
        }
        if t.status == "hidden" || t.status == "rejected" {
            return Ok(());
        }
        let shown = format!("Hidden by a moderator: {reason}");
        set_post_status_in(conn, post, "hidden", Some(&shown)).await?;
        resolve_open_in(conn, Content::Post(post), "rejected", by, &reason).await?;
        notify_author_in(
            conn,
            &t,
            "moderation.hidden",
            format!("A moderator hid your post: {reason}"),
            format!("moderation.hidden:{post}:{}", chrono::Utc::now().timestamp()),
            by,
        )
        .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(by),
                action: "post.hide".into(),
                target_type: "post".into(),
                target_id: Some(post.0),
                before: Some(serde_json::json!({ "status": t.status })),
                after: Some(serde_json::json!({ "status": "hidden" })),
                reason: reason.clone(),
            },
        )
        .await
    })
    .await
}

/// The author of rejected or hidden content appeals, once; the appeal enters the queue.
pub async fn appeal(hearth: &Hearth, actor: &Actor, content: Content, body: &str) -> DomainResult<i64> {
    actor.require_active()?;
    let body = crate::text::block(body).map_err(|m| DomainError::invalid("body", m))?;
    if !(10..=2000).contains(&body.chars().count()) {
        return Err(DomainError::invalid(
            "body",
            "explain in 10 to 2,000 characters why it should be shown",
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    conn.transaction::<i64, DomainError, _>(async |conn| {
        let t = target_in(conn, content).await?;
        if t.author != me {
            return Err(DomainError::NotFound("post"));
        }
        if t.status != "rejected" && t.status != "hidden" {
            return Err(DomainError::Conflict {
                field: None,
                message: "Only rejected or hidden posts can be appealed.".into(),
            });
        }
        let (post_id, comment_id) = match content {
            Content::Post(p) => (Some(p.0), None),
            Content::Comment(c) => (None, Some(c)),
        };
        let inserted = diesel::insert_into(appeals::table)
            .values((
                appeals::post_id.eq(post_id),
                appeals::comment_id.eq(comment_id),
                appeals::author_id.eq(me),
                appeals::body.eq(&body),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            return Err(DomainError::Conflict {
                field: None,
                message: "You have already appealed this; a moderator decides once more, not again.".into(),
            });
        }
        let id: i64 = diesel::insert_into(moderation_queue::table)
            .values((
                moderation_queue::kind.eq("appeal"),
                moderation_queue::post_id.eq(post_id),
                moderation_queue::comment_id.eq(comment_id),
                moderation_queue::author_id.eq(me),
                moderation_queue::reason.eq("appeal"),
                moderation_queue::detail.eq(&body),
            ))
            .returning(moderation_queue::id)
            .get_result(conn)
            .await?;
        Ok(id)
    })
    .await
}
