//! Moderation and listening: the automatic rules that hold posts for review, flags, the one moderation queue
//! (held, flagged, appealed), warnings and suspensions, and the staff inbox (unanswered questions and detractor
//! posts). Every staff action writes an audit row in its own transaction.

pub mod flags;
pub mod inbox;
pub mod queue;
pub mod rules;
pub mod sanctions;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Actor;
use crate::ids::{PostId, TopicId, UserId};
use crate::ratelimit::{self, Limit};
use crate::schema::{moderation_queue, users};
use crate::{DomainError, DomainResult, Hearth};

pub use flags::{FlagReason, flag};
pub use inbox::{InboxItem, InboxPage};
pub use queue::{QueueFilter, QueueItem, QueuePage, appeal, approve, hide_post, reject};
pub use rules::{AuthorFacts, Rules, Verdict};
pub use sanctions::{Sanction, sanction};

/// Posting from one address (all accounts behind it together).
pub const POSTS_PER_IP_MINUTE: Limit = Limit::new(60, 60);

static ANALYZER: LazyLock<vader_sentiment::SentimentIntensityAnalyzer<'static>> =
    LazyLock::new(vader_sentiment::SentimentIntensityAnalyzer::new);

/// The VADER compound score of a text: −1 (very negative) … 1 (very positive), as the reference
/// implementation scores it (`server/vader`, checked against it sentence by sentence).
pub fn sentiment(text: &str) -> f32 {
    ANALYZER.scores(text).compound as f32
}

/// What screening decided for a new post.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    /// `published` or `pending`.
    pub status: &'static str,
    pub held_reason: Option<String>,
    /// The rule that held it.
    pub rule: Option<&'static str>,
    pub sentiment: f32,
    /// The rules in force (the caller needs the inbox settings after writing).
    pub rules: Rules,
}

impl Screened {
    pub fn held(&self) -> bool {
        self.status == "pending"
    }
}

/// May this member write now? Suspended members may not; members who have not accepted the policy in force are
/// asked to first. Counts the per-address posting pace. The team is exempt from the pace (not the policy).
pub async fn gate(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    actor.require_active()?;
    let current = crate::policy::current_version(hearth).await?;
    if actor.accepted_policy_version.is_none_or(|v| v < current) {
        return Err(DomainError::forbidden(format!(
            "The acceptable use policy changed (version {current}). Please read and accept it on /policy before \
             posting."
        )));
    }
    if !actor.is_team()
        && let Some(ip) = &actor.ip
    {
        ratelimit::hit(
            hearth.kv(),
            &format!("post:ip:{}", ratelimit::address(ip)),
            POSTS_PER_IP_MINUTE,
        )
        .await?;
    }
    Ok(())
}

/// Voting from one address (all accounts behind it together).
pub const VOTES_PER_IP_MINUTE: Limit = Limit::new(120, 60);

/// May this member vote now? Not while suspended; counts the per-address voting pace.
pub async fn vote_gate(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    actor.require_active()?;
    if let Some(ip) = &actor.ip {
        ratelimit::hit(
            hearth.kv(),
            &format!("vote:ip:{}", ratelimit::address(ip)),
            VOTES_PER_IP_MINUTE,
        )
        .await?;
    }
    Ok(())
}

/// Screens a post by the rules in force: refuses blocked words, holds what a rule holds, scores sentiment.
pub async fn screen(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    body_md: &str,
    html: &str,
) -> DomainResult<Screened> {
    let rules = rules::load_in(conn).await?;
    let (text, _, hrefs) = rules::text_and_links(html);
    let trust_level = if hrefs.is_empty() || actor.is_team() {
        0
    } else {
        crate::reputation::trust_of(conn, actor).await?.level
    };
    let approved_posts: i32 = if rules.first_posts.enabled && !actor.is_team() {
        users::table
            .find(actor.id)
            .select(users::approved_posts)
            .first(conn)
            .await?
    } else {
        0
    };
    let facts = AuthorFacts {
        team: actor.is_team(),
        partner: actor.partner_label.is_some(),
        trust_level,
        approved_posts,
    };
    let verdict = rules::evaluate(&rules, &facts, body_md, html)?;
    let sentiment = sentiment(&text);
    Ok(match verdict {
        Verdict::Publish => Screened {
            status: "published",
            held_reason: None,
            rule: None,
            sentiment,
            rules,
        },
        Verdict::Hold { rule, reason } => Screened {
            status: "pending",
            held_reason: Some(reason),
            rule: Some(rule),
            sentiment,
            rules,
        },
    })
}

/// What the content a queue item or flag is about is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Post(PostId),
    Comment(i64),
}

/// After a post or comment was written (inside its transaction): a held one enters the queue; a published one by
/// a member that reads clearly negative enters the staff inbox.
pub(crate) async fn after_write_in(
    conn: &mut AsyncPgConnection,
    screened: &Screened,
    content: Content,
    author: &Actor,
) -> DomainResult<()> {
    if let (Some(rule), Some(reason)) = (screened.rule, &screened.held_reason) {
        let (post_id, comment_id) = match content {
            Content::Post(p) => (Some(p.0), None),
            Content::Comment(c) => (None, Some(c)),
        };
        let item: i64 = diesel::insert_into(moderation_queue::table)
            .values((
                moderation_queue::kind.eq("held"),
                moderation_queue::post_id.eq(post_id),
                moderation_queue::comment_id.eq(comment_id),
                moderation_queue::author_id.eq(author.id),
                moderation_queue::reason.eq(rule),
                moderation_queue::detail.eq(reason),
            ))
            .returning(moderation_queue::id)
            .get_result(conn)
            .await?;
        crate::webhooks::payloads::post_held(conn, item).await?;
        return Ok(());
    }
    if let Content::Post(post) = content
        && !author.is_team()
    {
        inbox::note_detractor_in(conn, &screened.rules, post, screened.sentiment).await?;
    }
    Ok(())
}

/// A staff member replied in a topic: its inbox items have their first response.
pub(crate) async fn staff_replied_in(
    conn: &mut AsyncPgConnection,
    actor: &Actor,
    topic: TopicId,
) -> DomainResult<()> {
    if actor.roles.is_staff() {
        inbox::first_response_in(conn, topic, actor.id).await?;
    }
    Ok(())
}

/// Who may moderate: moderators, staff and admins.
pub fn require_moderator(actor: &Actor) -> DomainResult<()> {
    if actor.roles.is_moderator() || actor.roles.is_staff() {
        Ok(())
    } else {
        Err(DomainError::forbidden("Only moderators and staff can do this."))
    }
}

/// The author of a post, its topic, number and status.
pub(crate) async fn post_facts(
    conn: &mut AsyncPgConnection,
    post: PostId,
) -> DomainResult<(UserId, TopicId, i32, String)> {
    use crate::schema::posts;
    posts::table
        .find(post)
        .select((
            posts::author_id,
            posts::topic_id,
            posts::post_number,
            posts::status,
        ))
        .first(conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("post"))
}

/// The first post of a topic (flagging a topic flags it).
pub async fn first_post(hearth: &Hearth, topic: TopicId) -> DomainResult<PostId> {
    use crate::schema::posts;
    let mut conn = crate::db::conn(hearth.db()).await?;
    posts::table
        .filter(posts::topic_id.eq(topic))
        .filter(posts::post_number.eq(1))
        .select(posts::id)
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("topic"))
}
