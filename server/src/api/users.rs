//! Member profiles and (for admins) their roles.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::accounts::{self, Profile, Role};
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
    /// Points from what others found useful (filled by the reputation capability).
    pub reputation: i64,
    pub trust_level: i32,
    pub club_tier: Option<String>,
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
            trust_level: 0,
            club_tier: None,
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
    Ok(HttpResponse::Ok().json(profile))
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
    body: web::Json<AccessRequest>,
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
