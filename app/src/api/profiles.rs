//! Public member profiles.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub username: String,
    pub display_name: Option<String>,
    pub bio: String,
    pub roles: Vec<String>,
    pub partner_label: Option<String>,
    pub joined: String,
    /// "I own …": product names, with since-when when given.
    #[serde(default)]
    pub owns: Vec<String>,
}

/// A member's public profile; `None` when there is no such member.
#[server(endpoint = "profiles/get")]
pub async fn get_profile(username: String) -> Result<Option<ProfileInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let row = domain::accounts::find_by_username(&hearth, &username)
        .await
        .map_err(ssr::to_app_error)?;
    let owns = match &row {
        Some(row) => domain::qa::owned_by(&hearth, row.id)
            .await
            .map_err(ssr::to_app_error)?
            .into_iter()
            .map(|o| match o.since {
                Some(since) => format!("{} (since {})", o.product.name, since.format("%B %Y")),
                None => o.product.name,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(row.map(|row| {
        let profile = domain::accounts::Profile::from(&row);
        ProfileInfo {
            username: profile.username,
            display_name: profile.display_name,
            bio: profile.bio,
            roles: profile.roles.names(),
            partner_label: profile.partner_label,
            joined: profile.created_at.format("%B %Y").to_string(),
            owns,
        }
    }))
}

/// The signed-in member's own editable profile.
#[server(endpoint = "profiles/mine")]
pub async fn my_profile() -> Result<Option<(ProfileInfo, String, bool)>, AppError> {
    let hearth = ssr::hearth()?;
    let Some(actor) = ssr::actor() else {
        return Ok(None);
    };
    let row = domain::accounts::find(&hearth, actor.id)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(row.map(|row| {
        let profile = domain::accounts::Profile::from(&row);
        (
            ProfileInfo {
                username: profile.username,
                display_name: profile.display_name,
                bio: profile.bio,
                roles: profile.roles.names(),
                partner_label: profile.partner_label,
                joined: profile.created_at.format("%B %Y").to_string(),
                owns: Vec::new(),
            },
            row.email.clone(),
            matches!(actor.auth, domain::accounts::AuthMethod::Session { .. }),
        )
    }))
}
