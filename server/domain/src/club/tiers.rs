//! Tiers (Fan, Insider, VIP, …): defined by admins, each reached by a reputation threshold or granted by staff,
//! each with perks. Ideas use tiers to filter and break down voters; club-only categories and events to decide
//! who may enter.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::Serialize;

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::forums::parse_slug;
use crate::ids::UserId;
use crate::schema::{club_members, club_perks, club_tiers};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = club_tiers, check_for_backend(diesel::pg::Pg))]
pub struct Tier {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Higher ranks are more privileged.
    pub rank: i32,
    pub min_reputation: i32,
    pub description: String,
}

/// A perk of a tier. The code (a discount code, a ticket link) is shown only to members who reached the tier.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = club_perks, check_for_backend(diesel::pg::Pg))]
pub struct Perk {
    pub id: i64,
    pub tier_id: i64,
    pub title: String,
    pub body: String,
    pub code: Option<String>,
    pub link: Option<String>,
}

/// A tier with its perks as one viewer sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierView {
    pub tier: Tier,
    /// Whether the viewer's own tier is this one or higher (then perk codes are shown).
    pub reached: bool,
    pub perks: Vec<Perk>,
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

/// Every tier with its perks (two queries); codes are blanked for tiers above the viewer's rank.
pub async fn tiers_with_perks(
    hearth: &Hearth,
    viewer_rank: Option<i32>,
    team: bool,
) -> DomainResult<Vec<TierView>> {
    let tiers = list_tiers(hearth).await?;
    let mut conn = db::conn(hearth.db()).await?;
    let perks: Vec<Perk> = club_perks::table
        .select(Perk::as_select())
        .order((club_perks::tier_id, club_perks::id))
        .load(&mut conn)
        .await?;
    Ok(tiers
        .into_iter()
        .map(|tier| {
            let reached = team || viewer_rank.is_some_and(|r| r >= tier.rank);
            let perks = perks
                .iter()
                .filter(|p| p.tier_id == tier.id)
                .cloned()
                .map(|mut p| {
                    // The code and the link are the perk itself: only for those the tier admits.
                    if !reached {
                        p.code = None;
                        p.link = None;
                    }
                    p
                })
                .collect();
            TierView { tier, reached, perks }
        })
        .collect())
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

/// An optional tier named by a form field (empty: none).
pub(crate) async fn optional_tier(hearth: &Hearth, field: &str, slug: &str) -> DomainResult<Option<Tier>> {
    if slug.trim().is_empty() {
        return Ok(None);
    }
    tier_by_slug(hearth, slug)
        .await
        .map(Some)
        .map_err(|_| DomainError::invalid(field, "no such club tier"))
}

/// Creates a tier if no tier has that slug (the demo seed); returns it.
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

/// An admin's tier form.
#[derive(Debug, Clone, Default)]
pub struct TierInput {
    pub slug: String,
    pub name: String,
    pub rank: i32,
    pub min_reputation: i32,
    pub description: String,
}

/// Creates or changes a tier (by slug; admins only; audited). Every member's tier follows the new threshold.
pub async fn save_tier(hearth: &Hearth, actor: &Actor, input: &TierInput) -> DomainResult<Tier> {
    actor.require_admin()?;
    let mut errors = FieldErrors::new();
    let slug = errors.check("slug", parse_slug(&input.slug));
    let name = errors
        .check("name", crate::text::line(&input.name))
        .unwrap_or_default();
    if !errors.0.contains_key("name") && !(2..=40).contains(&name.chars().count()) {
        errors.add("name", "must be 2 to 40 characters");
    }
    let description = errors
        .check("description", crate::text::block(&input.description))
        .unwrap_or_default();
    if description.chars().count() > 500 {
        errors.add("description", "must be at most 500 characters");
    }
    if !(0..=1000).contains(&input.rank) {
        errors.add("rank", "must be between 0 and 1000");
    }
    if !(0..=10_000_000).contains(&input.min_reputation) {
        errors.add("min_reputation", "must be between 0 and 10000000");
    }
    errors.into_result()?;
    let slug = slug.unwrap_or_default();
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    let saved = conn
        .transaction::<Tier, DomainError, _>(async |conn| {
            let tier: Tier = diesel::insert_into(club_tiers::table)
                .values((
                    club_tiers::slug.eq(&slug),
                    club_tiers::name.eq(&name),
                    club_tiers::rank.eq(input.rank),
                    club_tiers::min_reputation.eq(input.min_reputation),
                    club_tiers::description.eq(&description),
                ))
                .on_conflict(club_tiers::slug)
                .do_update()
                .set((
                    club_tiers::name.eq(&name),
                    club_tiers::rank.eq(input.rank),
                    club_tiers::min_reputation.eq(input.min_reputation),
                    club_tiers::description.eq(&description),
                ))
                .returning(Tier::as_returning())
                .get_result(conn)
                .await?;
            super::membership::refresh_tiers_in(conn, None).await?;
            audit::record(
                conn,
                NewAuditEntry {
                    actor_id: Some(actor_id),
                    action: "club.tier.save".into(),
                    target_type: "club_tier".into(),
                    target_id: Some(tier.id),
                    before: None,
                    after: serde_json::to_value(&tier).ok(),
                    reason: String::new(),
                },
            )
            .await?;
            Ok(tier)
        })
        .await?;
    // Categories gated by this tier read its rank from the category cache.
    drop(conn);
    crate::forums::reload_categories(hearth).await?;
    Ok(saved)
}

/// An admin's perk form.
#[derive(Debug, Clone, Default)]
pub struct PerkInput {
    pub title: String,
    pub body: String,
    pub code: String,
    pub link: String,
}

/// Adds a perk to a tier (admins only; audited).
pub async fn add_perk(
    hearth: &Hearth,
    actor: &Actor,
    tier_slug: &str,
    input: &PerkInput,
) -> DomainResult<Perk> {
    actor.require_admin()?;
    let tier = tier_by_slug(hearth, tier_slug)
        .await
        .map_err(|_| DomainError::NotFound("tier"))?;
    let mut errors = FieldErrors::new();
    let title = errors
        .check("title", crate::text::line(&input.title))
        .unwrap_or_default();
    if !errors.0.contains_key("title") && !(2..=120).contains(&title.chars().count()) {
        errors.add("title", "must be 2 to 120 characters");
    }
    let body = errors
        .check("body", crate::text::block(&input.body))
        .unwrap_or_default();
    if body.chars().count() > 1000 {
        errors.add("body", "must be at most 1000 characters");
    }
    let code = input.code.trim();
    if code.chars().count() > 80 || code.chars().any(char::is_control) {
        errors.add("code", "must be at most 80 characters on one line");
    }
    let link = errors
        .check("link", crate::text::optional_link(&input.link))
        .flatten();
    errors.into_result()?;
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<Perk, DomainError, _>(async |conn| {
        let perk: Perk = diesel::insert_into(club_perks::table)
            .values((
                club_perks::tier_id.eq(tier.id),
                club_perks::title.eq(&title),
                club_perks::body.eq(&body),
                club_perks::code.eq((!code.is_empty()).then_some(code)),
                club_perks::link.eq(link.as_deref()),
            ))
            .returning(Perk::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "club.perk.add".into(),
                target_type: "club_perk".into(),
                target_id: Some(perk.id),
                before: None,
                after: serde_json::to_value(&perk).ok(),
                reason: String::new(),
            },
        )
        .await?;
        Ok(perk)
    })
    .await
}

/// Puts a member in the club with a granted tier (or none), joining them if needed (the demo seed and tests;
/// staff use [`super::grant_tier`]).
pub async fn set_member_tier(hearth: &Hearth, user: UserId, tier: Option<&str>) -> DomainResult<()> {
    let tier_id = match tier {
        Some(slug) => Some(tier_by_slug(hearth, slug).await?.id),
        None => None,
    };
    let mut conn = db::conn(hearth.db()).await?;
    diesel::insert_into(club_members::table)
        .values((
            club_members::user_id.eq(user),
            club_members::granted_tier_id.eq(tier_id),
        ))
        .on_conflict(club_members::user_id)
        .do_update()
        .set(club_members::granted_tier_id.eq(tier_id))
        .execute(&mut conn)
        .await?;
    super::membership::refresh_tiers_in(&mut conn, Some(&[user.0])).await?;
    Ok(())
}
