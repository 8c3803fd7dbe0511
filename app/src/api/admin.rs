//! Administration: the brand, members' roles, the acceptable use policy.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[server(endpoint = "admin/brand")]
pub async fn update_brand(
    name: String,
    tagline: String,
    color_primary: String,
    color_accent: String,
    logo_alt: String,
    remove_logo: Option<String>,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::brand::BrandInput {
        name,
        tagline,
        color_primary,
        color_accent,
        logo_alt,
    };
    domain::brand::update(&hearth, &actor, &input, None, remove_logo.is_some())
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[
                ("name", &input.name),
                ("tagline", &input.tagline),
                ("color_primary", &input.color_primary),
                ("color_accent", &input.color_accent),
                ("logo_alt", &input.logo_alt),
            ])
        })?;
    leptos_actix::redirect("/admin?saved=brand");
    Ok(())
}

/// A member as the admin's role editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAccess {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub roles: Vec<String>,
    pub partner_label: String,
    pub verified: bool,
}

#[server(endpoint = "admin/members")]
pub async fn search_members(prefix: String) -> Result<Vec<MemberAccess>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let rows = domain::accounts::search_members(&hearth, &actor, &prefix, None, 25)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(rows
        .iter()
        .map(|row| MemberAccess {
            id: row.id.0,
            username: row.username.clone(),
            email: row.email.clone(),
            roles: domain::accounts::Roles::from_db(&row.roles).names(),
            partner_label: row.partner_label.clone().unwrap_or_default(),
            verified: row.email_verified_at.is_some(),
        })
        .collect())
}

/// Deletes (anonymises) a member's account at once, with their posts when asked; audited.
#[server(endpoint = "admin/members/anonymise")]
pub async fn anonymise_member(
    user_id: i64,
    reason: String,
    #[server(default)] remove_content: Option<String>,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let remove = remove_content.is_some_and(|v| !v.is_empty() && v != "false");
    let name = domain::privacy::erase_now(&hearth, &actor, domain::ids::UserId(user_id), remove, &reason)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!(
        "/admin?saved=anonymised&member={}",
        super::accounts::urlencode(&name)
    ));
    Ok(())
}

#[server(endpoint = "admin/access")]
pub async fn set_member_access(
    user_id: i64,
    role_admin: Option<String>,
    role_staff: Option<String>,
    role_moderator: Option<String>,
    role_product: Option<String>,
    partner_label: String,
    reason: String,
) -> Result<(), AppError> {
    use domain::accounts::Role;
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let roles = [
        (role_admin, Role::Admin),
        (role_staff, Role::Staff),
        (role_moderator, Role::Moderator),
        (role_product, Role::Product),
    ]
    .into_iter()
    .filter_map(|(flag, role)| flag.map(|_| role))
    .collect();
    let input = domain::accounts::AccessInput { roles, partner_label };
    let row = domain::accounts::set_access(&hearth, &actor, domain::ids::UserId(user_id), &input, &reason)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!(
        "/admin?saved=access&member={}",
        super::accounts::urlencode(&row.username)
    ));
    Ok(())
}

#[server(endpoint = "admin/policy")]
pub async fn publish_policy(title: String, body: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::policy::publish(&hearth, &actor, &title, &body)
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("title", &title), ("body", &body)]))?;
    leptos_actix::redirect("/policy?published=1");
    Ok(())
}
