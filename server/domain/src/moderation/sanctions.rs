//! Warnings, suspensions and bans. A suspended member can read but not post, vote or flag until the date; a ban
//! is a suspension without end. Each is recorded per member, audited and told to the member.

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};

use super::require_moderator;
use crate::accounts::{Actor, Roles};
use crate::audit::{self, NewAuditEntry};
use crate::ids::UserId;
use crate::notifications::{self, NewNotification};
use crate::schema::{member_sanctions, users};
use crate::{DomainError, DomainResult, Hearth, db};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sanction {
    Warn,
    Suspend(DateTime<Utc>),
    Ban,
    Unsuspend,
}

impl Sanction {
    fn kind(&self) -> &'static str {
        match self {
            Sanction::Warn => "warn",
            Sanction::Suspend(_) => "suspend",
            Sanction::Ban => "ban",
            Sanction::Unsuspend => "unsuspend",
        }
    }
}

/// The end of a ban.
pub fn forever() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Parses a suspension's end: RFC 3339, or a date (`2026-12-31`, the end of that day UTC).
pub fn parse_until(raw: &str) -> Result<DateTime<Utc>, String> {
    let raw = raw.trim();
    let at = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").map(|t| t.and_utc()))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc())
        })
        .map_err(|_| "must be a date (2026-12-31) or a time (RFC 3339)".to_owned())?;
    if at <= Utc::now() {
        return Err("must be in the future".into());
    }
    if at.timestamp() > forever().timestamp() - 86_400 {
        return Err("must be before the year 9999 (ban instead)".into());
    }
    Ok(at)
}

/// Warns, suspends, bans or lifts a suspension (moderators and staff; only admins sanction the team).
pub async fn sanction(
    hearth: &Hearth,
    actor: &Actor,
    member: UserId,
    sanction: Sanction,
    reason: &str,
) -> DomainResult<()> {
    require_moderator(actor)?;
    let reason = crate::text::line(reason).map_err(|m| DomainError::invalid("reason", m))?;
    if sanction != Sanction::Unsuspend && !(3..=500).contains(&reason.chars().count()) {
        return Err(DomainError::invalid(
            "reason",
            "tell the member why, in 3 to 500 characters",
        ));
    }
    if member == actor.id {
        return Err(DomainError::forbidden("You cannot sanction yourself."));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let by = actor.id;
    let admin = actor.roles.is_admin();
    conn.transaction::<(), DomainError, _>(async |conn| {
        let (roles, before, username): (Vec<Option<String>>, Option<DateTime<Utc>>, String) = users::table
            .find(member)
            .select((users::roles, users::suspended_until, users::username))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("member"))?;
        if !Roles::from_db(&roles).list().is_empty() && !admin {
            return Err(DomainError::forbidden(
                "Only administrators can sanction members of the team.",
            ));
        }
        let until = match &sanction {
            Sanction::Warn => before,
            Sanction::Suspend(t) => Some(*t),
            Sanction::Ban => Some(forever()),
            Sanction::Unsuspend => None,
        };
        if sanction != Sanction::Warn {
            diesel::update(users::table.find(member))
                .set((
                    users::suspended_until.eq(until),
                    users::suspension_reason.eq(until.map(|_| reason.clone())),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
        }
        diesel::insert_into(member_sanctions::table)
            .values((
                member_sanctions::user_id.eq(member),
                member_sanctions::kind.eq(sanction.kind()),
                member_sanctions::until.eq(match &sanction {
                    Sanction::Suspend(t) => Some(*t),
                    Sanction::Ban => Some(forever()),
                    _ => None,
                }),
                member_sanctions::reason.eq(&reason),
                member_sanctions::created_by.eq(Some(by)),
            ))
            .execute(conn)
            .await?;
        let title = match &sanction {
            Sanction::Warn => format!("A moderator warned you: {reason}"),
            Sanction::Suspend(t) => format!(
                "Your account is suspended until {}: {reason}",
                t.format("%-d %B %Y, %H:%M UTC")
            ),
            Sanction::Ban => format!("Your account is banned: {reason}"),
            Sanction::Unsuspend => "Your suspension was lifted; you can post again.".to_owned(),
        };
        notifications::notify_in(
            conn,
            &[NewNotification {
                user_id: member,
                kind: "moderation.sanction",
                actor_id: Some(by),
                topic_id: None,
                post_id: None,
                title,
                url: "/policy".into(),
                dedupe_key: format!(
                    "moderation.sanction:{}:{}",
                    sanction.kind(),
                    Utc::now().timestamp_micros()
                ),
            }],
        )
        .await?;
        crate::webhooks::payloads::member_sanctioned(conn, member, sanction.kind(), &reason, by).await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(by),
                action: format!("member.{}", sanction.kind()),
                target_type: "user".into(),
                target_id: Some(member.0),
                before: Some(serde_json::json!({ "username": username, "suspended_until": before })),
                after: Some(serde_json::json!({ "suspended_until": until })),
                reason: reason.clone(),
            },
        )
        .await
    })
    .await
}
