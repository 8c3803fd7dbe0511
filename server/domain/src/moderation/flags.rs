//! Flags: members at trust level 1 and above flag a post with a reason; the flag weighs by their trust level.
//! When the open flags of a published post reach the threshold, it is hidden pending review. One flag per
//! member and post; the post's row lock serialises concurrent flags, so the threshold is crossed exactly once.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};

use crate::accounts::Actor;
use crate::forums::Viewer;
use crate::ids::PostId;
use crate::ratelimit::{self, Limit};
use crate::schema::{flags, posts};
use crate::{DomainError, DomainResult, Hearth, db};

pub const FLAGS_PER_HOUR: Limit = Limit::new(20, 3600);
pub const FLAGS_PER_IP_HOUR: Limit = Limit::new(60, 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagReason {
    Spam,
    Abusive,
    OffTopic,
    Other,
}

impl FlagReason {
    pub const ALL: [FlagReason; 4] = [
        FlagReason::Spam,
        FlagReason::Abusive,
        FlagReason::OffTopic,
        FlagReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagReason::Spam => "spam",
            FlagReason::Abusive => "abusive",
            FlagReason::OffTopic => "off_topic",
            FlagReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagReason::Spam => "Spam or advertising",
            FlagReason::Abusive => "Abusive or harassing",
            FlagReason::OffTopic => "Off-topic",
            FlagReason::Other => "Something else",
        }
    }

    pub fn parse(raw: &str) -> Result<FlagReason, String> {
        let raw = raw.trim().to_ascii_lowercase().replace('-', "_");
        FlagReason::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| "must be spam, abusive, off_topic or other".to_owned())
    }
}

/// What a flag did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FlagOutcome {
    /// The open flags' total weight on the post.
    pub weight: i32,
    /// The post is hidden pending review (now or before).
    pub hidden: bool,
    /// This member had flagged it already (nothing changed).
    pub repeated: bool,
}

/// Flags a post. `other` needs a note.
pub async fn flag(
    hearth: &Hearth,
    actor: &Actor,
    post: PostId,
    reason: &str,
    note: &str,
) -> DomainResult<FlagOutcome> {
    actor.require_active()?;
    let reason = FlagReason::parse(reason).map_err(|m| DomainError::invalid("reason", m))?;
    let note = crate::text::line(note).map_err(|m| DomainError::invalid("note", m))?;
    if note.chars().count() > 500 {
        return Err(DomainError::invalid("note", "must be at most 500 characters"));
    }
    if reason == FlagReason::Other && note.is_empty() {
        return Err(DomainError::invalid("note", "tell the moderators what is wrong"));
    }
    let weight = crate::reputation::flag_weight(hearth, actor).await?;
    let viewer = Viewer::of(Some(actor));
    // Only what the member can see can be flagged.
    crate::forums::locate_post(hearth, &viewer, post).await?;
    ratelimit::hit(hearth.kv(), &format!("flag:hour:{}", actor.id), FLAGS_PER_HOUR).await?;
    if let Some(ip) = &actor.ip {
        ratelimit::hit(
            hearth.kv(),
            &format!("flag:ip:{}", crate::ratelimit::address(ip)),
            FLAGS_PER_IP_HOUR,
        )
        .await?;
    }
    let mut conn = db::conn(hearth.db()).await?;
    let me = actor.id;
    conn.transaction::<FlagOutcome, DomainError, _>(async |conn| {
        let (author, status): (crate::ids::UserId, String) = posts::table
            .find(post)
            .select((posts::author_id, posts::status))
            .for_update()
            .first(conn)
            .await?;
        if author == me {
            return Err(DomainError::invalid("post_id", "you cannot flag your own post"));
        }
        if status != "published" && status != "hidden" {
            return Err(DomainError::NotFound("post"));
        }
        let inserted = diesel::insert_into(flags::table)
            .values((
                flags::post_id.eq(post),
                flags::flagger_id.eq(me),
                flags::reason.eq(reason.as_str()),
                flags::note.eq(&note),
                flags::weight.eq(weight),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let total: Option<i64> = flags::table
            .filter(flags::post_id.eq(post))
            .filter(flags::resolved_at.is_null())
            .select(diesel::dsl::sum(flags::weight))
            .first(conn)
            .await?;
        let total = total.unwrap_or(0) as i32;
        if inserted == 0 {
            return Ok(FlagOutcome {
                weight: total,
                hidden: status == "hidden",
                repeated: true,
            });
        }
        diesel::sql_query(
            "INSERT INTO moderation_queue (kind, post_id, author_id, reason, detail)
             VALUES ('flagged', $1, $2, $3, $4)
             ON CONFLICT (post_id, kind) WHERE state = 'open' AND post_id IS NOT NULL DO NOTHING",
        )
        .bind::<diesel::sql_types::BigInt, _>(post.0)
        .bind::<diesel::sql_types::BigInt, _>(author.0)
        .bind::<diesel::sql_types::Text, _>(reason.as_str())
        .bind::<diesel::sql_types::Text, _>(&note)
        .execute(conn)
        .await?;
        let rules = super::rules::load_in(conn).await?;
        let mut hidden = status == "hidden";
        if !hidden && rules.flags.enabled && total >= rules.flags.hide_at_weight {
            let why = format!(
                "Hidden because members flagged it ({}); a moderator will review it.",
                reason.label().to_lowercase()
            );
            super::queue::set_post_status_in(conn, post, "hidden", Some(&why)).await?;
            crate::webhooks::payloads::post_hidden_by_flags(conn, post).await?;
            hidden = true;
        }
        Ok(FlagOutcome {
            weight: total,
            hidden,
            repeated: false,
        })
    })
    .await
}
