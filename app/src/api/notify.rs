//! E-mail preferences per kind of event, and the unsubscribe page's one button.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferenceInfo {
    pub topic: String,
    pub label: String,
    pub delivery: String,
}

/// The viewer's e-mail preferences.
#[server(endpoint = "notify/preferences")]
pub async fn notification_preferences() -> Result<Vec<PreferenceInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    Ok(domain::mail::notify::preferences(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?
        .into_iter()
        .map(|(topic, label, delivery)| PreferenceInfo {
            topic: topic.into(),
            label: label.into(),
            delivery: delivery.as_str().into(),
        })
        .collect())
}

/// One field per kind of event (immediately, daily, weekly, never).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesForm {
    pub replies: Option<String>,
    pub mentions: Option<String>,
    pub qa: Option<String>,
    pub watching: Option<String>,
    pub ideas: Option<String>,
    pub events: Option<String>,
    pub moderation: Option<String>,
}

/// Saves the e-mail preferences.
#[server(endpoint = "notify/preferences/save")]
pub async fn save_notification_preferences(prefs: PreferencesForm) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    for (topic, value) in [
        ("replies", &prefs.replies),
        ("mentions", &prefs.mentions),
        ("qa", &prefs.qa),
        ("watching", &prefs.watching),
        ("ideas", &prefs.ideas),
        ("events", &prefs.events),
        ("moderation", &prefs.moderation),
    ] {
        if let Some(value) = value {
            domain::mail::notify::set_preference(&hearth, &actor, topic, value)
                .await
                .map_err(ssr::to_app_error)?;
        }
    }
    leptos_actix::redirect("/settings?saved=notifications#notifications");
    Ok(())
}

/// The unsubscribe page's button: the signed link's parameters, no log-in.
#[server(endpoint = "notify/unsubscribe")]
pub async fn unsubscribe_now(u: i64, t: String, s: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let stopped = domain::mail::notify::unsubscribe(&hearth, u, &t, &s)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!(
        "/unsubscribe?done={}",
        crate::api::accounts::urlencode(stopped)
    ));
    Ok(())
}
