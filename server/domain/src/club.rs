//! The fan club's tiers (the club capability adds joining, thresholds, perks and events). Ideas use tiers to
//! filter and break down voters.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;

use crate::schema::club_tiers;
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
