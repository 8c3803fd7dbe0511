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
    #[serde(default)]
    pub standing: Option<StandingInfo>,
    #[serde(default)]
    pub user_id: i64,
    /// The viewer moderates and this is someone else: the page offers warnings and suspensions.
    #[serde(default)]
    pub can_sanction: bool,
    /// For moderators: suspended until (`YYYY-MM-DD HH:MM UTC`).
    #[serde(default)]
    pub suspended_until: Option<String>,
}

/// Reputation with its breakdown, trust level, club tier and badges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingInfo {
    pub reputation: i32,
    /// (source, points, detail)
    pub breakdown: Vec<(String, i32, String)>,
    pub trust_level: i32,
    pub trust_name: String,
    pub club: bool,
    pub club_tier: Option<String>,
    /// (name, description)
    pub badges: Vec<(String, String)>,
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
    let standing = match &row {
        Some(row) => Some(standing(&hearth, row).await?),
        None => None,
    };
    let viewer = ssr::actor();
    Ok(row.map(|row| {
        let can_sanction = viewer
            .as_ref()
            .is_some_and(|v| (v.roles.is_moderator() || v.roles.is_staff()) && v.id != row.id);
        let profile = domain::accounts::Profile::from(&row);
        ProfileInfo {
            user_id: row.id.0,
            can_sanction,
            suspended_until: row
                .suspended_until
                .filter(|_| can_sanction)
                .filter(|u| *u > chrono::Utc::now())
                .map(|u| u.format("%Y-%m-%d %H:%M UTC").to_string()),
            username: profile.username,
            display_name: profile.display_name,
            bio: profile.bio,
            roles: profile.roles.names(),
            partner_label: profile.partner_label,
            joined: profile.created_at.format("%B %Y").to_string(),
            owns,
            standing,
        }
    }))
}

#[cfg(feature = "ssr")]
async fn standing(
    hearth: &domain::Hearth,
    row: &domain::accounts::UserRow,
) -> Result<StandingInfo, AppError> {
    let roles = domain::accounts::Roles::from_db(&row.roles);
    let s = domain::reputation::standing(hearth, row.id, &roles)
        .await
        .map_err(ssr::to_app_error)?;
    let membership = domain::club::membership(hearth, row.id)
        .await
        .map_err(ssr::to_app_error)?;
    let b = &s.breakdown;
    let members = |n: i32, what: &str| format!("{n} {} {what}", if n == 1 { "member" } else { "members" });
    Ok(StandingInfo {
        reputation: b.points,
        breakdown: vec![
            (
                "Answers accepted".into(),
                b.accepted_points,
                members(b.askers_helped, "helped"),
            ),
            ("Up-votes".into(), b.vote_points, members(b.voters, "up-voted")),
            (
                "Follow-ups drawn".into(),
                b.reply_points,
                members(b.repliers, "replied"),
            ),
            (
                "Ideas adopted".into(),
                b.idea_points,
                format!(
                    "{} adopted, {} shipped",
                    b.ideas_adopted - b.ideas_shipped,
                    b.ideas_shipped
                ),
            ),
        ],
        trust_level: s.trust.level,
        trust_name: s.trust.name.to_owned(),
        club: membership.is_some(),
        club_tier: membership.and_then(|m| m.tier).map(|t| t.name),
        badges: s
            .badges
            .iter()
            .map(|b| (b.name.to_owned(), b.description.to_owned()))
            .collect(),
    })
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
                standing: None,
                user_id: row.id.0,
                can_sanction: false,
                suspended_until: None,
            },
            row.email.clone(),
            matches!(actor.auth, domain::accounts::AuthMethod::Session { .. }),
        )
    }))
}
