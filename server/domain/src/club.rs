//! The fan club's tiers (the club capability adds joining, thresholds, perks and events). Ideas use tiers to
//! filter and break down voters.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;

use crate::ids::UserId;
use crate::schema::{club_members, club_tiers};
use crate::{DomainError, DomainResult, Hearth, db};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = club_tiers, check_for_backend(diesel::pg::Pg))]
pub struct Tier {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Higher ranks are more privileged.
    pub rank: i32,
    pub min_reputation: i32,
}

/// Every tier, most privileged first.
pub async fn list_tiers(hearth: &Hearth) -> DomainResult<Vec<Tier>> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(club_tiers::table
        .select(Tier::as_select())
        .order((club_tiers::rank.desc(), club_tiers::id))
        .load(&mut conn)
        .await?)
}

/// The tier a slug names (400 on the field `tier` otherwise).
pub async fn tier_by_slug(hearth: &Hearth, slug: &str) -> DomainResult<Tier> {
    let mut conn = db::conn(hearth.db()).await?;
    club_tiers::table
        .filter(club_tiers::slug.eq(slug.trim()))
        .select(Tier::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or_else(|| DomainError::invalid("tier", "no such club tier"))
}

/// Creates a tier if no tier has that slug (admins' tool and the demo seed); returns it.
pub async fn ensure_tier(
    hearth: &Hearth,
    slug: &str,
    name: &str,
    rank: i32,
    min_reputation: i32,
) -> DomainResult<Tier> {
    let mut conn = db::conn(hearth.db()).await?;
    diesel::insert_into(club_tiers::table)
        .values((
            club_tiers::slug.eq(slug),
            club_tiers::name.eq(name),
            club_tiers::rank.eq(rank),
            club_tiers::min_reputation.eq(min_reputation),
        ))
        .on_conflict(club_tiers::slug)
        .do_nothing()
        .execute(&mut conn)
        .await?;
    drop(conn);
    tier_by_slug(hearth, slug).await
}

/// Puts a member in the club with a tier (or none), joining them if needed.
pub async fn set_member_tier(hearth: &Hearth, user: UserId, tier: Option<&str>) -> DomainResult<()> {
    let tier_id = match tier {
        Some(slug) => Some(tier_by_slug(hearth, slug).await?.id),
        None => None,
    };
    let mut conn = db::conn(hearth.db()).await?;
    diesel::insert_into(club_members::table)
        .values((club_members::user_id.eq(user), club_members::tier_id.eq(tier_id)))
        .on_conflict(club_members::user_id)
        .do_update()
        .set(club_members::tier_id.eq(tier_id))
        .execute(&mut conn)
        .await?;
    Ok(())
}
