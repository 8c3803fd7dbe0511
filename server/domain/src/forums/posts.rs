//! Editing posts, with every earlier version kept for the team.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;

use super::access::Viewer;
use super::inputs::{MarkdownBody, Title};
use super::topics::{PostRow, render_body};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::{PostId, RevisionId, TopicId, UserId};
use crate::schema::{post_pending_edits, post_revisions, posts, topics, users};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

/// An edit: the new body, and for a topic's first post optionally a new title.
#[derive(Debug, Clone, Default)]
pub struct EditInput {
    pub body: String,
    pub title: Option<String>,
}

/// What an edit did.
#[derive(Debug, Clone)]
pub struct EditOutcome {
    /// The post as everyone sees it now (unchanged while a held edit waits).
    pub post: PostRow,
    /// Why the edit waits for a moderator, if a rule held it.
    pub held: Option<String>,
}

/// Edits per member and hour (the team is not limited).
pub const EDITS_PER_HOUR: crate::ratelimit::Limit = crate::ratelimit::Limit::new(30, 3600);

/// Edits a post: its author, or staff and moderators (who may also edit anyone's; that is audited). The
/// previous text is kept as a revision. A member's edit (body and title) is screened like a new post: blocked
/// words refuse it, a rule that would hold a new post holds the edit — the post keeps showing its last approved
/// version and a moderator approves or rejects the edit from the queue. Members' edits are rate limited.
pub async fn edit_post(
    hearth: &Hearth,
    actor: &Actor,
    post_id: PostId,
    input: &EditInput,
) -> DomainResult<EditOutcome> {
    let mut errors = FieldErrors::new();
    let body = errors.check("body", MarkdownBody::parse(&input.body));
    let title = match &input.title {
        Some(raw) if !raw.trim().is_empty() => errors.check("title", Title::parse(raw)),
        _ => None,
    };
    errors.into_result()?;
    let Some(body) = body else {
        return Err(DomainError::internal("validated input missing"));
    };
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let existing: PostRow = posts::table
        .find(post_id)
        .select(PostRow::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("post"))?;
    super::views::topic_detail(hearth, &mut conn, &viewer, existing.topic_id).await?;
    let own = existing.author_id == actor.id;
    if !own && !viewer.manages_topics() {
        return Err(DomainError::forbidden("You can edit only your own posts."));
    }
    if existing.status == "deleted" {
        return Err(DomainError::NotFound("post"));
    }
    if title.is_some() && existing.post_number != 1 {
        return Err(DomainError::invalid(
            "title",
            "only the first post of a topic carries the title",
        ));
    }
    let html = render_body(&mut conn, actor, &body).await?;
    let mut held: Option<(String, String)> = None;
    if !viewer.manages_topics() {
        actor.require_active()?;
        crate::ratelimit::hit(hearth.kv(), &format!("edit:hour:{}", actor.id), EDITS_PER_HOUR).await?;
        let rules = crate::moderation::rules::load_in(&mut conn).await?;
        crate::moderation::rules::check_blocked(&rules, body.as_str())?;
        if let Some(title) = &title {
            crate::moderation::rules::check_blocked(&rules, title.as_str()).map_err(|e| match e {
                DomainError::Invalid(mut fields) => {
                    if let Some(message) = fields.0.remove("body") {
                        fields.0.insert("title".into(), message);
                    }
                    DomainError::Invalid(fields)
                }
                other => other,
            })?;
        }
        // A post still waiting for review is simply replaced (nobody sees it yet); a visible one is screened,
        // its title with its body.
        if existing.status != "pending" {
            let text = match &title {
                Some(t) => format!("{}\n\n{}", t.as_str(), body.as_str()),
                None => body.as_str().to_owned(),
            };
            let screened = crate::moderation::screen(&mut conn, actor, &text, &html).await?;
            if let (Some(rule), Some(reason)) = (screened.rule, screened.held_reason) {
                held = Some((rule.to_owned(), reason));
            }
        }
    }
    let editor = actor.id;
    if let Some((rule, reason)) = held {
        let author = existing.author_id;
        conn.transaction::<(), DomainError, _>(async |conn| {
            diesel::insert_into(post_pending_edits::table)
                .values((
                    post_pending_edits::post_id.eq(post_id),
                    post_pending_edits::editor_id.eq(editor),
                    post_pending_edits::title.eq(title.as_ref().map(|t| t.as_str())),
                    post_pending_edits::body_md.eq(body.as_str()),
                    post_pending_edits::body_html.eq(&html),
                    post_pending_edits::held_reason.eq(&reason),
                ))
                .on_conflict(post_pending_edits::post_id)
                .do_update()
                .set((
                    post_pending_edits::editor_id.eq(editor),
                    post_pending_edits::title.eq(title.as_ref().map(|t| t.as_str())),
                    post_pending_edits::body_md.eq(body.as_str()),
                    post_pending_edits::body_html.eq(&html),
                    post_pending_edits::held_reason.eq(&reason),
                    post_pending_edits::created_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            diesel::sql_query(
                "INSERT INTO moderation_queue (kind, post_id, author_id, reason, detail) VALUES ('edit', $1, $2, $3, $4)
                 ON CONFLICT (post_id, kind) WHERE state = 'open' AND post_id IS NOT NULL
                 DO UPDATE SET reason = EXCLUDED.reason, detail = EXCLUDED.detail",
            )
            .bind::<diesel::sql_types::BigInt, _>(post_id.0)
            .bind::<diesel::sql_types::BigInt, _>(author.0)
            .bind::<diesel::sql_types::Text, _>(&rule)
            .bind::<diesel::sql_types::Text, _>(format!("An edit waits for review: {reason}"))
            .execute(conn)
            .await?;
            Ok(())
        })
        .await?;
        return Ok(EditOutcome {
            post: existing,
            held: Some(reason),
        });
    }
    let post = conn
        .transaction::<PostRow, DomainError, _>(async |conn| {
            apply_edit_in(
                conn,
                post_id,
                editor,
                !own,
                body.as_str(),
                &html,
                title.as_ref().map(|t| t.as_str()),
            )
            .await
        })
        .await?;
    Ok(EditOutcome { post, held: None })
}

/// Writes an edit inside the caller's transaction: the previous text becomes a revision, the post (and for a
/// first post the title) take the new one. An edit of someone else's post is audited. A pending edit of the
/// post, if any, is dropped (this one replaces it).
pub(crate) async fn apply_edit_in(
    conn: &mut diesel_async::AsyncPgConnection,
    post_id: PostId,
    editor: UserId,
    audited: bool,
    body_md: &str,
    html: &str,
    title: Option<&str>,
) -> DomainResult<PostRow> {
    let current: PostRow = posts::table
        .find(post_id)
        .select(PostRow::as_select())
        .for_update()
        .first(conn)
        .await?;
    diesel::delete(post_pending_edits::table.find(post_id))
        .execute(conn)
        .await?;
    let old_title: Option<String> = match title {
        Some(_) => Some(
            topics::table
                .find(current.topic_id)
                .select(topics::title)
                .first(conn)
                .await?,
        ),
        None => None,
    };
    let unchanged = current.body_md == body_md && title.zip(old_title.as_deref()).is_none_or(|(n, o)| n == o);
    if unchanged {
        return Ok(current);
    }
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post_id),
            post_revisions::editor_id.eq(Some(editor)),
            post_revisions::revision.eq(current.edit_count + 1),
            post_revisions::title.eq(&old_title),
            post_revisions::body_md.eq(&current.body_md),
        ))
        .execute(conn)
        .await?;
    if let Some(title) = title {
        diesel::update(topics::table.find(current.topic_id))
            .set((topics::title.eq(title), topics::updated_at.eq(diesel::dsl::now)))
            .execute(conn)
            .await?;
    }
    let updated: PostRow = diesel::update(posts::table.find(post_id))
        .set((
            posts::body_md.eq(body_md),
            posts::body_html.eq(html),
            posts::edit_count.eq(posts::edit_count + 1),
            posts::edited_at.eq(diesel::dsl::now),
            posts::updated_at.eq(diesel::dsl::now),
        ))
        .returning(PostRow::as_returning())
        .get_result(conn)
        .await?;
    if audited {
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(editor),
                action: "post.edit".into(),
                target_type: "post".into(),
                target_id: Some(post_id.0),
                before: Some(serde_json::json!({ "body": current.body_md, "title": old_title })),
                after: Some(serde_json::json!({ "body": updated.body_md, "title": title })),
                reason: String::new(),
            },
        )
        .await?;
    }
    Ok(updated)
}

/// Applies the pending edit of a post (a moderator approved it) inside the caller's transaction.
pub(crate) async fn apply_pending_edit_in(
    conn: &mut diesel_async::AsyncPgConnection,
    post_id: PostId,
) -> DomainResult<Option<PostRow>> {
    let pending: Option<(UserId, Option<String>, String, String)> = post_pending_edits::table
        .find(post_id)
        .select((
            post_pending_edits::editor_id,
            post_pending_edits::title,
            post_pending_edits::body_md,
            post_pending_edits::body_html,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some((editor, title, body_md, html)) = pending else {
        return Ok(None);
    };
    Ok(Some(
        apply_edit_in(conn, post_id, editor, false, &body_md, &html, title.as_deref()).await?,
    ))
}

/// One earlier version of a post.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Serialize)]
pub struct Revision {
    pub id: RevisionId,
    pub revision: i32,
    pub title: Option<String>,
    pub body_md: String,
    pub created_at: DateTime<Utc>,
    pub editor: Option<String>,
}

/// A post's earlier versions, newest first (staff and moderators).
pub async fn revisions(hearth: &Hearth, actor: &Actor, post_id: PostId) -> DomainResult<Vec<Revision>> {
    let viewer = Viewer::of(Some(actor));
    if !viewer.manages_topics() {
        return Err(DomainError::forbidden(
            "Only staff and moderators can read edit histories.",
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let topic: TopicId = posts::table
        .find(post_id)
        .select(posts::topic_id)
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("post"))?;
    super::views::topic_detail(hearth, &mut conn, &viewer, topic).await?;
    Ok(post_revisions::table
        .left_join(users::table)
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::revision.desc())
        .select((
            post_revisions::id,
            post_revisions::revision,
            post_revisions::title,
            post_revisions::body_md,
            post_revisions::created_at,
            users::username.nullable(),
        ))
        .load(&mut conn)
        .await?)
}

/// Where a post lives: its topic and number (for permalinks), if the viewer may see it.
pub async fn locate_post(
    hearth: &Hearth,
    viewer: &Viewer,
    post_id: PostId,
) -> DomainResult<(TopicId, i32, UserId)> {
    let mut conn = db::conn(hearth.db()).await?;
    let found: Option<(TopicId, i32, UserId, String)> = posts::table
        .find(post_id)
        .select((
            posts::topic_id,
            posts::post_number,
            posts::author_id,
            posts::status,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let (topic, number, author, status) = found.ok_or(DomainError::NotFound("post"))?;
    if status != "published" && !(viewer.user_id == Some(author) || viewer.manages_topics()) {
        return Err(DomainError::NotFound("post"));
    }
    super::views::topic_detail(hearth, &mut conn, viewer, topic).await?;
    Ok((topic, number, author))
}

/// A post's Markdown source (to quote it or edit it), if the viewer may see it.
pub async fn post_source(hearth: &Hearth, viewer: &Viewer, post_id: PostId) -> DomainResult<PostRow> {
    locate_post(hearth, viewer, post_id).await?;
    let mut conn = db::conn(hearth.db()).await?;
    Ok(posts::table
        .find(post_id)
        .select(PostRow::as_select())
        .first(&mut conn)
        .await?)
}
