//! Joining and leaving the club, staff grants, every member's effective tier, and the opt-in directory.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::tiers::{Tier, tier_by_slug};
use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::UserId;
use crate::schema::{club_members, club_tiers, users};
use crate::{DomainError, DomainResult, Hearth, db};

/// A member's place in the club.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub joined_at: DateTime<Utc>,
    /// The effective tier: the higher of the granted one and the best one the reputation reaches.
    pub tier: Option<Tier>,
    /// A tier staff granted (kept even when the reputation falls).
    pub granted: Option<Tier>,
    pub in_directory: bool,
}

/// Sets every given member's (or, with `None`, every member's) effective tier: the highest-ranked tier that
/// is granted to them or whose threshold their reputation reaches. One statement.
pub(crate) async fn refresh_tiers_in(
    conn: &mut AsyncPgConnection,
    members: Option<&[i64]>,
) -> DomainResult<usize> {
    let ids: Option<Vec<i64>> = members.map(<[i64]>::to_vec);
    Ok(diesel::sql_query(
        "UPDATE club_members cm SET tier_id = best.id
           FROM (SELECT m.user_id,
                        (SELECT t.id FROM club_tiers t
                          WHERE t.id = m.granted_tier_id
                             OR t.min_reputation <= COALESCE((SELECT r.points FROM member_reputation r
                                                               WHERE r.user_id = m.user_id), 0)
                          ORDER BY t.rank DESC, t.id LIMIT 1) AS id
                   FROM club_members m
                  WHERE $1::int8[] IS NULL OR m.user_id = ANY($1)) best
          WHERE cm.user_id = best.user_id AND cm.tier_id IS DISTINCT FROM best.id",
    )
    .bind::<Nullable<Array<BigInt>>, _>(ids)
    .execute(conn)
    .await?)
}

/// A member's place in the club, if they joined.
pub async fn membership(hearth: &Hearth, user: UserId) -> DomainResult<Option<Membership>> {
    let mut conn = db::conn(hearth.db()).await?;
    membership_in(&mut conn, user).await
}

pub(crate) async fn membership_in(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> DomainResult<Option<Membership>> {
    // (joined_at, tier_id, granted_tier_id, in_directory)
    type Row = (DateTime<Utc>, Option<i64>, Option<i64>, bool);
    let row: Option<Row> = club_members::table
        .find(user)
        .select((
            club_members::joined_at,
            club_members::tier_id,
            club_members::granted_tier_id,
            club_members::in_directory,
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((joined_at, tier_id, granted_id, in_directory)) = row else {
        return Ok(None);
    };
    let wanted: Vec<i64> = tier_id.into_iter().chain(granted_id).collect();
    let tiers: Vec<Tier> = if wanted.is_empty() {
        Vec::new()
    } else {
        club_tiers::table
            .filter(club_tiers::id.eq_any(&wanted))
            .select(Tier::as_select())
            .load(conn)
            .await?
    };
    let pick = |id: Option<i64>| id.and_then(|id| tiers.iter().find(|t| t.id == id).cloned());
    Ok(Some(Membership {
        joined_at,
        tier: pick(tier_id),
        granted: pick(granted_id),
        in_directory,
    }))
}

/// Joins the club (members with a verified e-mail address; joining again changes nothing).
pub async fn join(hearth: &Hearth, actor: &Actor) -> DomainResult<Membership> {
    actor.require_active()?;
    let mut conn = db::conn(hearth.db()).await?;
    let verified: Option<Option<DateTime<Utc>>> = users::table
        .find(actor.id)
        .select(users::email_verified_at)
        .first(&mut conn)
        .await
        .optional()?;
    match verified {
        None => return Err(DomainError::NotFound("member")),
        Some(None) => return Err(DomainError::EmailNotVerified),
        Some(Some(_)) => {}
    }
    let member = actor.id;
    conn.transaction::<Membership, DomainError, _>(async |conn| {
        let joined = diesel::insert_into(club_members::table)
            .values(club_members::user_id.eq(member))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        refresh_tiers_in(conn, Some(&[member.0])).await?;
        if joined > 0 {
            crate::webhooks::payloads::club_membership(conn, member, true).await?;
        }
        membership_in(conn, member)
            .await?
            .ok_or_else(|| DomainError::internal("membership missing after joining"))
    })
    .await
}

/// Leaves the club: the member's seats at upcoming events are given up (promoting the waitlist) first.
/// Leaving when not a member changes nothing.
pub async fn leave(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    let upcoming = super::events::upcoming_rsvps(hearth, actor.id).await?;
    for event in upcoming {
        super::events::cancel_rsvp(hearth, actor, event).await?;
    }
    let mut conn = db::conn(hearth.db()).await?;
    let member = actor.id;
    conn.transaction::<(), DomainError, _>(async |conn| leave_in(conn, member).await)
        .await
}

/// Takes a member out of the club inside the caller's transaction (their seats are the caller's business).
pub(crate) async fn leave_in(conn: &mut AsyncPgConnection, member: UserId) -> DomainResult<()> {
    let left = diesel::delete(club_members::table.find(member))
        .execute(conn)
        .await?;
    if left > 0 {
        crate::webhooks::payloads::club_membership(conn, member, false).await?;
    }
    Ok(())
}

/// Shows or hides the member in the club's directory (club members only).
pub async fn set_in_directory(hearth: &Hearth, actor: &Actor, listed: bool) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    let changed = diesel::update(club_members::table.find(actor.id))
        .set(club_members::in_directory.eq(listed))
        .execute(&mut conn)
        .await?;
    if changed == 0 {
        return Err(DomainError::conflict("club", "Join the club first."));
    }
    Ok(())
}

/// Grants a club member a tier, or takes the grant back with `None` (staff only; audited).
pub async fn grant_tier(
    hearth: &Hearth,
    actor: &Actor,
    member: UserId,
    tier: Option<&str>,
    reason: &str,
) -> DomainResult<Membership> {
    if !actor.roles.is_staff() {
        return Err(DomainError::forbidden("Only staff may grant club tiers."));
    }
    let tier = match tier.filter(|s| !s.trim().is_empty()) {
        Some(slug) => Some(tier_by_slug(hearth, slug).await?),
        None => None,
    };
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Membership, DomainError, _>(async |conn| {
        let before = membership_in(conn, member)
            .await?
            .ok_or_else(|| DomainError::conflict("member", "This member has not joined the club."))?;
        diesel::update(club_members::table.find(member))
            .set((
                club_members::granted_tier_id.eq(tier.as_ref().map(|t| t.id)),
                club_members::granted_by.eq(Some(actor_id)),
            ))
            .execute(conn)
            .await?;
        refresh_tiers_in(conn, Some(&[member.0])).await?;
        let after = membership_in(conn, member)
            .await?
            .ok_or_else(|| DomainError::internal("membership missing after grant"))?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "club.tier.grant".into(),
                target_type: "user".into(),
                target_id: Some(member.0),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
                reason: reason.trim().to_owned(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}

/// One member in the club's directory.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName, Serialize)]
pub struct DirectoryEntry {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub display_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub tier: Option<String>,
    #[diesel(sql_type = Integer)]
    pub reputation: i32,
    #[diesel(sql_type = Timestamptz)]
    pub joined_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    pub partner: bool,
}

/// Members per directory page.
pub const DIRECTORY_PAGE: i64 = 50;

/// The club members who chose to be listed, longest-standing first, keyset-paged after `(joined_at, user_id)`.
/// Only club members and the team may read it.
pub async fn directory(
    hearth: &Hearth,
    viewer: &crate::forums::Viewer,
    after: Option<(DateTime<Utc>, i64)>,
) -> DomainResult<Vec<DirectoryEntry>> {
    if !(viewer.club || viewer.team) {
        return Err(DomainError::forbidden(
            "The directory is for members of the fan club. Join the club to see it.",
        ));
    }
    let mut conn = db::conn(hearth.db()).await?;
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    Ok(diesel::sql_query(
        "SELECT u.id AS user_id, u.username, u.display_name, t.name AS tier,
                COALESCE(r.points, 0) AS reputation, cm.joined_at, (u.partner_label IS NOT NULL) AS partner
           FROM club_members cm
           JOIN users u ON u.id = cm.user_id
           LEFT JOIN club_tiers t ON t.id = cm.tier_id
           LEFT JOIN member_reputation r ON r.user_id = cm.user_id
          WHERE cm.in_directory AND ($1::timestamptz IS NULL OR (cm.joined_at, cm.user_id) > ($1, $2))
          ORDER BY cm.joined_at, cm.user_id
          LIMIT $3",
    )
    .bind::<Nullable<Timestamptz>, _>(at)
    .bind::<Nullable<BigInt>, _>(id)
    .bind::<BigInt, _>(DIRECTORY_PAGE)
    .load(&mut conn)
    .await?)
}
