//! Member profiles and (for admins) their roles.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::accounts::{self, Profile, Role, Roles};
use domain::reputation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiError, ApiResult, Caller};

/// What anyone may see of a member.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileResponse {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub bio: String,
    pub roles: Vec<String>,
    pub partner_label: Option<String>,
    /// Points from what others found useful (see `GET /api/v1/reputation` for the formula).
    pub reputation: i64,
    /// Where the points come from.
    pub reputation_breakdown: Option<BreakdownResponse>,
    pub trust_level: i32,
    pub trust_level_name: String,
    /// The fan-club tier (slug); null outside the club.
    pub club_tier: Option<String>,
    pub club_member: bool,
    /// Badge slugs: first-accepted-answer, helped-10, helped-100, idea-shipped, club-member, event-attended.
    pub badges: Vec<String>,
    /// Slugs of the products the member says they own.
    pub products: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Profile> for ProfileResponse {
    fn from(p: Profile) -> Self {
        ProfileResponse {
            id: p.id.0,
            username: p.username,
            display_name: p.display_name,
            bio: p.bio,
            roles: p.roles.names(),
            partner_label: p.partner_label,
            reputation: 0,
            reputation_breakdown: None,
            trust_level: 0,
            trust_level_name: String::new(),
            club_tier: None,
            club_member: false,
            badges: Vec::new(),
            products: Vec::new(),
            created_at: p.created_at,
        }
    }
}

/// A member's public profile.
#[utoipa::path(get, path = "/api/v1/users/{username}", tag = "users", params(("username" = String, Path)),
    responses((status = 200, body = ProfileResponse), (status = 404, body = ErrorBody)))]
pub async fn profile(hearth: web::Data<Hearth>, username: web::Path<String>) -> ApiResult<HttpResponse> {
    let row = accounts::find_by_username(&hearth, &username)
        .await?
        .ok_or(ApiError::Domain(domain::DomainError::NotFound("member")))?;
    let mut profile = ProfileResponse::from(Profile::from(&row));
    profile.products = domain::qa::owned_by(&hearth, row.id)
        .await?
        .into_iter()
        .map(|o| o.product.slug)
        .collect();
    let standing = reputation::standing(&hearth, row.id, &Roles::from_db(&row.roles)).await?;
    let membership = domain::club::membership(&hearth, row.id).await?;
    let b = &standing.breakdown;
    profile.reputation = i64::from(b.points);
    profile.reputation_breakdown = Some(BreakdownResponse {
        accepted_answers: b.accepted_points,
        askers_helped: b.askers_helped,
        upvotes: b.vote_points,
        upvoters: b.voters,
        follow_ups: b.reply_points,
        members_replying: b.repliers,
        ideas: b.idea_points,
        ideas_adopted: b.ideas_adopted,
        ideas_shipped: b.ideas_shipped,
    });
    profile.trust_level = standing.trust.level;
    profile.trust_level_name = standing.trust.name.to_owned();
    profile.club_member = membership.is_some();
    profile.club_tier = membership.and_then(|m| m.tier).map(|t| t.slug);
    profile.badges = standing.badges.iter().map(|b| b.slug.to_owned()).collect();
    Ok(HttpResponse::Ok().json(profile))
}

/// A member's reputation by source (points, and the distinct members behind them).
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakdownResponse {
    pub accepted_answers: i32,
    pub askers_helped: i32,
    pub upvotes: i32,
    pub upvoters: i32,
    pub follow_ups: i32,
    pub members_replying: i32,
    pub ideas: i32,
    pub ideas_adopted: i32,
    pub ideas_shipped: i32,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AccessRequest {
    /// Any of admin, staff, moderator, product (member is implicit).
    pub roles: Vec<String>,
    /// The partner company the member represents; empty for none.
    pub partner_label: String,
    /// Why, for the audit log.
    pub reason: String,
}

/// Sets a member's roles and partner label (admins only; audited).
#[utoipa::path(put, path = "/api/v1/users/{id}/access", tag = "users", params(("id" = i64, Path)), request_body = AccessRequest,
    responses(
        (status = 200, body = ProfileResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
pub async fn set_access(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<AccessRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let mut roles = Vec::new();
    for name in body.roles.iter().filter(|r| r.as_str() != "member") {
        match Role::parse(name) {
            Some(role) => roles.push(role),
            None => {
                return Err(domain::DomainError::invalid(
                    "roles",
                    format!("{name:?} is not a role (admin, staff, moderator, product)"),
                )
                .into());
            }
        }
    }
    let input = accounts::AccessInput {
        roles,
        partner_label: body.partner_label.clone(),
    };
    let row = accounts::set_access(
        &hearth,
        actor,
        domain::ids::UserId(id.into_inner()),
        &input,
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ProfileResponse::from(Profile::from(&row))))
}
