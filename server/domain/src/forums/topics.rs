//! Starting topics, replying, and the team's topic tools (pin, lock, move).

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::HashSet;

use super::access::Viewer;
use super::categories::{Category, check_visible};
use super::inputs::{MarkdownBody, Title};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::db::lower;
use crate::ids::{CategoryId, PostId, TopicId, UserId};
use crate::ratelimit::{self, Limit};
use crate::schema::{categories, posts, topic_reads, topic_watches, topics, users};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db, markdown};

/// Posting pace of one member (topics and replies together).
pub const POSTS_PER_MINUTE: Limit = Limit::new(8, 60);
pub const POSTS_PER_HOUR: Limit = Limit::new(120, 3600);

/// A post as its author gets it back after writing it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = posts, check_for_backend(diesel::pg::Pg))]
pub struct PostRow {
    pub id: PostId,
    pub topic_id: TopicId,
    pub post_number: i32,
    pub author_id: UserId,
    pub body_md: String,
    pub body_html: String,
    pub quote_post_id: Option<PostId>,
    pub status: String,
    pub held_reason: Option<String>,
    pub edit_count: i32,
    pub edited_at: Option<chrono::DateTime<Utc>>,
    pub created_at: chrono::DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = topics, check_for_backend(diesel::pg::Pg))]
pub struct TopicRow {
    pub id: TopicId,
    pub category_id: CategoryId,
    pub author_id: UserId,
    pub title: String,
    pub status: String,
    pub held_reason: Option<String>,
    pub pinned_at: Option<chrono::DateTime<Utc>>,
    pub locked_at: Option<chrono::DateTime<Utc>>,
    pub next_post_number: i32,
    pub last_post_number: i32,
    pub reply_count: i32,
    pub view_count: i64,
    pub last_posted_at: chrono::DateTime<Utc>,
    pub created_at: chrono::DateTime<Utc>,
    /// `discussion`, `question` or `idea`.
    pub kind: String,
}

/// Renders an author's body, linking the `@mentions` of members who exist (one query for all of them), and
/// refuses more links than the author's trust level allows.
pub(crate) async fn render_body(
    conn: &mut AsyncPgConnection,
    author: &Actor,
    body: &MarkdownBody,
) -> DomainResult<String> {
    let mentioned = markdown::mentions(body.as_str());
    let known: HashSet<String> = if mentioned.is_empty() {
        HashSet::new()
    } else {
        users::table
            .filter(lower(users::username).eq_any(&mentioned))
            .select(lower(users::username))
            .load::<String>(conn)
            .await?
            .into_iter()
            .collect()
    };
    let html = markdown::render_with_mentions(body.as_str(), &known);
    crate::reputation::check_links(conn, author, &html).await?;
    Ok(html)
}

/// Forgets a member's posting and voting pace (what a seed wrote on their behalf is not their own pace).
pub async fn forget_pace(hearth: &Hearth, member: UserId) -> DomainResult<()> {
    for window in ["post:min", "post:hour", "vote:min", "idea-vote:min"] {
        ratelimit::clear(hearth.kv(), &format!("{window}:{member}")).await?;
    }
    Ok(())
}

/// The team (staff, moderators, product, admins) posts announcements in bulk: no pace limit for them.
pub(crate) async fn check_pace(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    crate::moderation::gate(hearth, actor).await?;
    if !actor.roles.list().is_empty() {
        return Ok(());
    }
    let author = actor.id;

    ratelimit::hit(hearth.kv(), &format!("post:min:{author}"), POSTS_PER_MINUTE).await?;
    ratelimit::hit(hearth.kv(), &format!("post:hour:{author}"), POSTS_PER_HOUR).await
}

async fn watch_in(conn: &mut AsyncPgConnection, user: UserId, topic: TopicId) -> DomainResult<()> {
    diesel::insert_into(topic_watches::table)
        .values((topic_watches::user_id.eq(user), topic_watches::topic_id.eq(topic)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn mark_read_in(
    conn: &mut AsyncPgConnection,
    user: UserId,
    topic: TopicId,
    number: i32,
) -> DomainResult<()> {
    diesel::insert_into(topic_reads::table)
        .values((
            topic_reads::user_id.eq(user),
            topic_reads::topic_id.eq(topic),
            topic_reads::last_read_number.eq(number),
        ))
        .on_conflict((topic_reads::user_id, topic_reads::topic_id))
        .do_update()
        .set((
            topic_reads::last_read_number.eq(diesel::dsl::sql::<diesel::sql_types::Integer>(
                "GREATEST(topic_reads.last_read_number, excluded.last_read_number)",
            )),
            topic_reads::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A new topic: title, body, category.
#[derive(Debug, Clone, Default)]
pub struct NewTopicInput {
    pub category_id: i64,
    pub title: String,
    pub body: String,
}

/// Starts a topic (its first post is post number 1). The author watches it.
pub async fn create_topic(
    hearth: &Hearth,
    actor: &Actor,
    input: &NewTopicInput,
) -> DomainResult<(TopicRow, PostRow)> {
    create_topic_of_kind(hearth, actor, input, NewTopicKind::Discussion).await
}

/// What kind of topic to start, with what its kind's row needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NewTopicKind<'a> {
    Discussion,
    /// A question about these products (its row, products and invitations are written with the topic).
    Question(&'a [crate::ids::ProductId]),
    /// An idea, about a product or none (its row and the author's follow are written with the topic).
    Idea(Option<crate::ids::ProductId>),
}

impl NewTopicKind<'_> {
    fn as_str(self) -> &'static str {
        match self {
            NewTopicKind::Discussion => "discussion",
            NewTopicKind::Question(_) => "question",
            NewTopicKind::Idea(_) => "idea",
        }
    }
}

/// Starts a topic of a kind; the kind's own rows are written in the same transaction as the topic.
pub(crate) async fn create_topic_of_kind(
    hearth: &Hearth,
    actor: &Actor,
    input: &NewTopicInput,
    new_kind: NewTopicKind<'_>,
) -> DomainResult<(TopicRow, PostRow)> {
    let kind = new_kind.as_str();
    let mut errors = FieldErrors::new();
    let title = errors.check("title", Title::parse(&input.title));
    let body = errors.check("body", MarkdownBody::parse(&input.body));
    errors.into_result()?;
    let (Some(title), Some(body)) = (title, body) else {
        return Err(DomainError::internal("validated input missing"));
    };
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    let category = super::categories::category_by_id(hearth, CategoryId(input.category_id))
        .await?
        .filter(|c| viewer.can_see(c))
        .ok_or_else(|| DomainError::invalid("category_id", "choose a category"))?;
    if !viewer.can_start_topics(&category) {
        return Err(DomainError::forbidden(
            "Only the team can start topics in this category.",
        ));
    }
    check_pace(hearth, actor).await?;
    let html = render_body(&mut conn, actor, &body).await?;
    let screened = crate::moderation::screen(&mut conn, actor, body.as_str(), &html).await?;
    let author = actor.id;
    let created = conn
        .transaction::<(TopicRow, PostRow, Vec<i64>), DomainError, _>(async |conn| {
            let topic: TopicRow = diesel::insert_into(topics::table)
                .values((
                    topics::category_id.eq(category.id),
                    topics::author_id.eq(author),
                    topics::title.eq(title.as_str()),
                    topics::next_post_number.eq(2),
                    topics::last_post_number.eq(1),
                    topics::last_poster_id.eq(Some(author)),
                    topics::kind.eq(kind),
                    topics::status.eq(screened.status),
                    topics::held_reason.eq(&screened.held_reason),
                ))
                .returning(TopicRow::as_returning())
                .get_result(conn)
                .await?;
            let post: PostRow = diesel::insert_into(posts::table)
                .values((
                    posts::topic_id.eq(topic.id),
                    posts::post_number.eq(1),
                    posts::author_id.eq(author),
                    posts::body_md.eq(body.as_str()),
                    posts::body_html.eq(&html),
                    posts::status.eq(screened.status),
                    posts::held_reason.eq(&screened.held_reason),
                    posts::sentiment.eq(Some(screened.sentiment)),
                ))
                .returning(PostRow::as_returning())
                .get_result(conn)
                .await?;
            // A held topic is counted when a moderator approves it.
            if !screened.held() {
                diesel::update(categories::table.find(category.id))
                    .set((
                        categories::topic_count.eq(categories::topic_count + 1),
                        categories::post_count.eq(categories::post_count + 1),
                        categories::last_posted_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
            watch_in(conn, author, topic.id).await?;
            mark_read_in(conn, author, topic.id, 1).await?;
            match new_kind {
                NewTopicKind::Discussion => {}
                NewTopicKind::Question(products) => {
                    crate::qa::on_question_created(conn, topic.id, products, !screened.held()).await?;
                }
                NewTopicKind::Idea(product) => {
                    crate::ideas::on_idea_created(conn, topic.id, author, product).await?;
                }
            }
            crate::moderation::after_write_in(
                conn,
                &screened,
                crate::moderation::Content::Post(post.id),
                actor,
            )
            .await?;
            let told = if screened.held() {
                Vec::new()
            } else {
                let told = crate::notifications::on_post_visible_in(conn, post.id).await?;
                crate::webhooks::payloads::topic_published(conn, topic.id).await?;
                told
            };
            Ok((topic, post, told))
        })
        .await?;
    let (topic, post, told) = created;
    crate::live::publish(
        hearth,
        crate::live::LiveEvent::notification(told).into_iter().collect(),
    )
    .await;
    Ok((topic, post))
}

/// A reply: body, and optionally the post it quotes.
#[derive(Debug, Clone, Default)]
pub struct ReplyInput {
    pub body: String,
    pub quote_post_id: Option<i64>,
}

/// Replies to a topic. Numbers are handed out under the topic's row lock, so concurrent replies get distinct,
/// consecutive numbers. Locked topics refuse replies.
pub async fn reply(
    hearth: &Hearth,
    actor: &Actor,
    topic_id: TopicId,
    input: &ReplyInput,
) -> DomainResult<PostRow> {
    let body = MarkdownBody::parse(&input.body).map_err(|m| DomainError::invalid("body", m))?;
    let viewer = Viewer::of(Some(actor));
    let mut conn = db::conn(hearth.db()).await?;
    // Visibility first (outside the transaction): a topic the actor cannot see does not exist for them.
    let (detail, category) = super::views::topic_detail(hearth, &mut conn, &viewer, topic_id).await?;
    if detail.locked && !viewer.manages_topics() {
        return Err(DomainError::forbidden(
            "This topic is locked; it takes no new replies.",
        ));
    }
    check_pace(hearth, actor).await?;
    let html = render_body(&mut conn, actor, &body).await?;
    let screened = crate::moderation::screen(&mut conn, actor, body.as_str(), &html).await?;
    let author = actor.id;
    let quote = input.quote_post_id;
    let (post, told) = conn
        .transaction::<(PostRow, Vec<i64>), DomainError, _>(async |conn| {
            let topic: TopicRow = topics::table
                .find(topic_id)
                .select(TopicRow::as_select())
                .for_update()
                .first(conn)
                .await?;
            if topic.locked_at.is_some() && !viewer.manages_topics() {
                return Err(DomainError::forbidden(
                    "This topic is locked; it takes no new replies.",
                ));
            }
            if let Some(quoted) = quote {
                let ok: Option<i64> = posts::table
                    .filter(posts::id.eq(quoted))
                    .filter(posts::topic_id.eq(topic_id))
                    .filter(posts::status.eq("published"))
                    .select(posts::id)
                    .first(conn)
                    .await
                    .optional()?;
                if ok.is_none() {
                    return Err(DomainError::invalid(
                        "quote_post_id",
                        "must be a post of this topic",
                    ));
                }
            }
            let number = topic.next_post_number;
            let post: PostRow = diesel::insert_into(posts::table)
                .values((
                    posts::topic_id.eq(topic_id),
                    posts::post_number.eq(number),
                    posts::author_id.eq(author),
                    posts::body_md.eq(body.as_str()),
                    posts::body_html.eq(&html),
                    posts::quote_post_id.eq(quote.map(PostId)),
                    posts::status.eq(screened.status),
                    posts::held_reason.eq(&screened.held_reason),
                    posts::sentiment.eq(Some(screened.sentiment)),
                ))
                .returning(PostRow::as_returning())
                .get_result(conn)
                .await?;
            watch_in(conn, author, topic_id).await?;
            crate::moderation::after_write_in(
                conn,
                &screened,
                crate::moderation::Content::Post(post.id),
                actor,
            )
            .await?;
            if screened.held() {
                // Numbered now, counted (and announced) when a moderator approves it.
                diesel::update(topics::table.find(topic_id))
                    .set(topics::next_post_number.eq(number + 1))
                    .execute(conn)
                    .await?;
                return Ok((post, Vec::new()));
            }
            crate::moderation::staff_replied_in(conn, actor, topic_id).await?;
            diesel::update(topics::table.find(topic_id))
                .set((
                    topics::next_post_number.eq(number + 1),
                    topics::last_post_number.eq(number),
                    topics::reply_count.eq(topics::reply_count + 1),
                    topics::last_posted_at.eq(diesel::dsl::now),
                    topics::last_poster_id.eq(Some(author)),
                    topics::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            diesel::update(categories::table.find(category.id))
                .set((
                    categories::post_count.eq(categories::post_count + 1),
                    categories::last_posted_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            mark_read_in(conn, author, topic_id, number).await?;
            let mut told = crate::notifications::on_post_visible_in(conn, post.id).await?;
            if topic.kind == "question" {
                told.extend(
                    crate::qa::on_answer(conn, topic_id, &topic.title, topic.author_id, post.id, author)
                        .await?,
                );
            }
            crate::webhooks::payloads::reply_published(conn, post.id).await?;
            Ok((post, told))
        })
        .await?;
    if post.status == "published" {
        let mut events = vec![crate::live::LiveEvent::post(
            topic_id.0,
            post.id.0,
            post.post_number,
        )];
        events.extend(crate::live::LiveEvent::notification(told));
        crate::live::publish(hearth, events).await;
    }
    Ok(post)
}

/// What the team can do to a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicAction {
    Pin,
    Unpin,
    Lock,
    Unlock,
    Move(CategoryId),
}

impl TopicAction {
    fn name(self) -> &'static str {
        match self {
            TopicAction::Pin => "topic.pin",
            TopicAction::Unpin => "topic.unpin",
            TopicAction::Lock => "topic.lock",
            TopicAction::Unlock => "topic.unlock",
            TopicAction::Move(_) => "topic.move",
        }
    }
}

/// Pins, locks or moves a topic (staff and moderators; audited). Idempotent.
pub async fn manage_topic(
    hearth: &Hearth,
    actor: &Actor,
    topic_id: TopicId,
    action: TopicAction,
    reason: &str,
) -> DomainResult<TopicRow> {
    let viewer = Viewer::of(Some(actor));
    let reason = crate::text::line(reason).map_err(|m| DomainError::invalid("reason", m))?;
    let mut conn = db::conn(hearth.db()).await?;
    super::views::topic_detail(hearth, &mut conn, &viewer, topic_id).await?;
    if !viewer.manages_topics() {
        return Err(DomainError::forbidden(
            "Only staff and moderators can pin, lock or move topics.",
        ));
    }
    let target: Option<Category> = match action {
        TopicAction::Move(category) => Some(
            super::categories::category_by_id(hearth, category)
                .await?
                .filter(|c| viewer.can_see(c))
                .ok_or_else(|| DomainError::invalid("category_id", "choose a category"))?,
        ),
        _ => None,
    };
    let actor_id = actor.id;
    conn.transaction::<TopicRow, DomainError, _>(async |conn| {
        let before: TopicRow = topics::table.find(topic_id).select(TopicRow::as_select()).for_update().first(conn).await?;
        let now = Some(Utc::now());
        let update = diesel::update(topics::table.find(topic_id));
        let after: TopicRow = match action {
            TopicAction::Pin => update.set(topics::pinned_at.eq(before.pinned_at.or(now))).returning(TopicRow::as_returning()).get_result(conn).await?,
            TopicAction::Unpin => update.set(topics::pinned_at.eq(None::<chrono::DateTime<Utc>>)).returning(TopicRow::as_returning()).get_result(conn).await?,
            TopicAction::Lock => update.set(topics::locked_at.eq(before.locked_at.or(now))).returning(TopicRow::as_returning()).get_result(conn).await?,
            TopicAction::Unlock => update.set(topics::locked_at.eq(None::<chrono::DateTime<Utc>>)).returning(TopicRow::as_returning()).get_result(conn).await?,
            TopicAction::Move(to) => {
                let moved: TopicRow = update.set(topics::category_id.eq(to)).returning(TopicRow::as_returning()).get_result(conn).await?;
                if to != before.category_id {
                    let published: i64 = posts::table
                        .filter(posts::topic_id.eq(topic_id))
                        .filter(posts::status.eq("published"))
                        .count()
                        .get_result(conn)
                        .await?;
                    let published = published as i32;
                    diesel::update(categories::table.find(before.category_id))
                        .set((categories::topic_count.eq(categories::topic_count - 1), categories::post_count.eq(categories::post_count - published)))
                        .execute(conn)
                        .await?;
                    diesel::update(categories::table.find(to))
                        .set((categories::topic_count.eq(categories::topic_count + 1), categories::post_count.eq(categories::post_count + published)))
                        .execute(conn)
                        .await?;
                }
                moved
            }
        };
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: action.name().into(),
                target_type: "topic".into(),
                target_id: Some(topic_id.0),
                before: Some(serde_json::json!({
                    "pinned": before.pinned_at.is_some(), "locked": before.locked_at.is_some(), "category_id": before.category_id,
                })),
                after: Some(serde_json::json!({
                    "pinned": after.pinned_at.is_some(), "locked": after.locked_at.is_some(), "category_id": after.category_id,
                    "category": target.as_ref().map(|c| c.slug.clone()),
                })),
                reason: reason.clone(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}

/// Checks a viewer may see a topic (used before recording views and read state).
pub async fn check_topic_visible(hearth: &Hearth, viewer: &Viewer, topic_id: TopicId) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    let (_, category) = super::views::topic_detail(hearth, &mut conn, viewer, topic_id).await?;
    check_visible(viewer, &category, "topic")
}

/// A topic named as people paste it: its number, or an address of it or of one of its posts (`/t/123`,
/// `https://community.example/t/123?page=2#post-7`, `/q/123`, `/ideas/123`).
pub fn parse_topic_ref(raw: &str) -> DomainResult<TopicId> {
    let raw = raw.trim();
    let bad = || DomainError::invalid("into_topic_id", "give the topic's number or its address (/t/123)");
    if let Ok(id) = raw.trim_start_matches('#').parse::<i64>() {
        return if id > 0 { Ok(TopicId(id)) } else { Err(bad()) };
    }
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let mut parts = path.rsplit('/').filter(|p| !p.is_empty());
    let last = parts.next().ok_or_else(bad)?;
    let kind = parts.next().ok_or_else(bad)?;
    match (kind, last.parse::<i64>()) {
        ("t" | "q" | "ideas", Ok(id)) if id > 0 => Ok(TopicId(id)),
        _ => Err(bad()),
    }
}

/// Merges a topic into another (staff and moderators; audited): its posts follow the target's, in their order,
/// with new numbers; the source is closed with a pointer to the target. Both topics' counters are recomputed.
pub async fn merge_topic(
    hearth: &Hearth,
    actor: &Actor,
    source: TopicId,
    target: TopicId,
    reason: &str,
) -> DomainResult<TopicRow> {
    use diesel::sql_types::{BigInt, Integer};
    let viewer = Viewer::of(Some(actor));
    if !viewer.manages_topics() {
        return Err(DomainError::forbidden(
            "Only staff and moderators can merge topics.",
        ));
    }
    let reason = crate::text::line(reason).map_err(|m| DomainError::invalid("reason", m))?;
    if source == target {
        return Err(DomainError::invalid("into_topic_id", "choose another topic"));
    }
    let mut conn = db::conn(hearth.db()).await?;
    super::views::topic_detail(hearth, &mut conn, &viewer, source).await?;
    super::views::topic_detail(hearth, &mut conn, &viewer, target)
        .await
        .map_err(|_| DomainError::invalid("into_topic_id", "no such topic"))?;
    let actor_id = actor.id;
    conn.transaction::<TopicRow, DomainError, _>(async |conn| {
        // Lock both in id order, so that two merges cannot deadlock.
        let mut locked: Vec<TopicRow> = topics::table
            .filter(topics::id.eq_any([source, target]))
            .order(topics::id)
            .select(TopicRow::as_select())
            .for_update()
            .load(conn)
            .await?;
        let src = locked.iter().position(|t| t.id == source).ok_or(DomainError::NotFound("topic"))?;
        let from = locked.remove(src);
        let into = locked.pop().ok_or(DomainError::NotFound("topic"))?;
        if from.status == "deleted" {
            return Err(DomainError::NotFound("topic"));
        }
        let moved: usize = diesel::sql_query(
            "WITH moved AS (SELECT id, row_number() OVER (ORDER BY post_number) AS rn FROM posts WHERE topic_id = $1)
             UPDATE posts p SET topic_id = $2, post_number = $3 + moved.rn - 1, updated_at = now()
               FROM moved WHERE p.id = moved.id",
        )
        .bind::<BigInt, _>(source.0)
        .bind::<BigInt, _>(target.0)
        .bind::<Integer, _>(into.next_post_number)
        .execute(conn)
        .await?;
        let published_moved: i64 = posts::table
            .filter(posts::topic_id.eq(target))
            .filter(posts::post_number.ge(into.next_post_number))
            .filter(posts::status.eq("published"))
            .count()
            .get_result(conn)
            .await?;
        diesel::sql_query(
            "UPDATE topics t SET next_post_number = t.next_post_number + $2,
                reply_count = (SELECT count(*) FROM posts p WHERE p.topic_id = t.id AND p.status = 'published' AND p.post_number > 1),
                last_post_number = COALESCE((SELECT max(post_number) FROM posts p WHERE p.topic_id = t.id AND p.status = 'published'), 1),
                last_posted_at = GREATEST(t.last_posted_at, $3), updated_at = now()
              WHERE t.id = $1",
        )
        .bind::<BigInt, _>(target.0)
        .bind::<Integer, _>(moved as i32)
        .bind::<diesel::sql_types::Timestamptz, _>(from.last_posted_at)
        .execute(conn)
        .await?;
        let was_published = from.status == "published";
        diesel::update(topics::table.find(source))
            .set((
                topics::status.eq("deleted"),
                topics::held_reason.eq(Some(format!("Merged into topic {target}"))),
                topics::reply_count.eq(0),
                topics::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        if was_published {
            let published_moved = published_moved as i32;
            diesel::update(categories::table.find(from.category_id))
                .set((
                    categories::topic_count.eq(categories::topic_count - 1),
                    categories::post_count.eq(categories::post_count - published_moved),
                ))
                .execute(conn)
                .await?;
            diesel::update(categories::table.find(into.category_id))
                .set(categories::post_count.eq(categories::post_count + published_moved))
                .execute(conn)
                .await?;
        }
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "topic.merge".into(),
                target_type: "topic".into(),
                target_id: Some(source.0),
                before: Some(serde_json::json!({ "title": from.title, "posts": moved, "status": from.status })),
                after: Some(serde_json::json!({ "merged_into": target.0, "status": "deleted" })),
                reason,
            },
        )
        .await?;
        Ok(topics::table.find(target).select(TopicRow::as_select()).first(conn).await?)
    })
    .await
}

#[cfg(test)]
mod ref_tests {
    use super::parse_topic_ref;
    use crate::ids::TopicId;

    #[test]
    fn a_topic_is_named_by_its_number_or_any_address_of_it() {
        for raw in [
            "42",
            " #42 ",
            "/t/42",
            "https://community.example/t/42?page=2#post-7",
            "/q/42",
            "/ideas/42/",
        ] {
            assert_eq!(parse_topic_ref(raw).unwrap(), TopicId(42), "{raw}");
        }
        for raw in ["", "0", "-3", "/u/42", "/t/abc", "forty-two", "/t/"] {
            assert!(parse_topic_ref(raw).is_err(), "{raw}");
        }
    }
}
