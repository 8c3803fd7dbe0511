//! Talking Point: the page's live part as server-rendered HTML (the page and its live island show the same),
//! the staff's theme tools, and the staff's mentions page with its actions. Forms post here without JavaScript
//! and are redirected back.

use leptos::server;

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// The themes, hot conversations, the brand's answers and the waiting questions, rendered for the viewer
/// (staff also get the pin and hide tools). The live island fetches this when a new snapshot is announced.
#[server(endpoint = "talking-point/html")]
pub async fn talking_point_html() -> Result<String, AppError> {
    let hearth = ssr::hearth()?;
    let staff = ssr::actor().is_some_and(|a| a.roles.is_staff());
    let snapshot = domain::talking_point::current(&hearth)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(crate::pages::talking_point::body::render(&snapshot, staff))
}

/// Pins (`pin`, with a public `note`), unpins (`unpin`), hides (`hide`) or shows (`unhide`) a theme (staff).
#[server(endpoint = "talking-point/theme")]
pub async fn theme_action(key: String, action: String, note: String) -> Result<(), AppError> {
    use domain::talking_point::staff::{ThemeAction, set_theme};
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let action = match action.as_str() {
        "pin" => ThemeAction::Pin(note),
        "unpin" => ThemeAction::Unpin,
        "hide" => ThemeAction::Hide,
        "unhide" => ThemeAction::Unhide,
        _ => {
            return Err(ssr::to_app_error(domain::DomainError::invalid(
                "action",
                "must be pin, unpin, hide or unhide",
            )));
        }
    };
    set_theme(&hearth, &actor, &key, action)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/talking-point?done=theme");
    Ok(())
}

/// The staff's list of mentions, rendered (filters as on the page; `after` is the page cursor).
#[server(endpoint = "talking-point/mentions-html")]
pub async fn mentions_html(
    source: String,
    sentiment: String,
    theme: String,
    status: String,
    after: String,
) -> Result<String, AppError> {
    use domain::talking_point::mentions;
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let query = mentions::MentionQuery {
        source: Some(source),
        sentiment: Some(sentiment),
        theme: Some(theme),
        status: Some(status),
        after: domain::cursor::parse(Some(&after)).map_err(ssr::to_app_error)?,
    };
    let page = mentions::list(&hearth, &actor, &query)
        .await
        .map_err(ssr::to_app_error)?;
    let ignored = domain::talking_point::staff::ignored_terms(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(crate::pages::talking_point::body::render_mentions(
        &page, &ignored, &query,
    ))
}

/// Hides (`hide`) or publishes (`publish`) a mention (staff).
#[server(endpoint = "talking-point/mention")]
pub async fn mention_action(id: i64, action: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let publish = match action.as_str() {
        "hide" => false,
        "publish" => true,
        _ => {
            return Err(ssr::to_app_error(domain::DomainError::invalid(
                "action",
                "must be hide or publish",
            )));
        }
    };
    domain::talking_point::mentions::set_status(&hearth, &actor, id, publish)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/staff/mentions?done=mention");
    Ok(())
}

/// Replaces the ignored terms (staff): one term per line.
#[server(endpoint = "talking-point/ignored")]
pub async fn set_ignored(terms: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let list: Vec<String> = terms.lines().map(str::to_owned).collect();
    domain::talking_point::staff::set_ignored_terms(&hearth, &actor, &list)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/staff/mentions?done=ignored");
    Ok(())
}
