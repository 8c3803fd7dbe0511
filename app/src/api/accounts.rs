//! Accounts: sign-up, verification, log-in/out, password reset and change, profile, API tokens.

use leptos::server;

use crate::model::{AppError, MyDataInfo, TokenInfo};
#[cfg(feature = "ssr")]
use crate::ssr;

#[server(endpoint = "account/signup")]
pub async fn signup(
    email: String,
    username: String,
    password: String,
    accept_policy: Option<String>,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let input = domain::accounts::SignupInput {
        email,
        username,
        password,
        accept_policy: accept_policy.is_some_and(|v| !v.is_empty() && v != "false"),
    };
    // A new address and a registered one are answered alike (the owner of a registered one is e-mailed).
    domain::accounts::signup(&hearth, &input, &ssr::client())
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[("email", &input.email), ("username", &input.username)])
        })?;
    leptos_actix::redirect(&format!(
        "/signup/check-email?email={}",
        urlencode(input.email.trim())
    ));
    Ok(())
}

#[server(endpoint = "account/verify")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    domain::accounts::verify_email(&hearth, &token)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(if ssr::actor().is_some() {
        "/?verified=1"
    } else {
        "/login?verified=1"
    });
    Ok(())
}

#[server(endpoint = "account/resend-verification")]
pub async fn resend_verification(email: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    domain::accounts::resend_verification(&hearth, &email, &ssr::client())
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("email", &email)]))?;
    leptos_actix::redirect(&format!(
        "/signup/check-email?email={}&resent=1",
        urlencode(email.trim())
    ));
    Ok(())
}

#[server(endpoint = "account/login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let input = domain::accounts::LoginInput { login, password };
    let done = domain::accounts::log_in(&hearth, &input, &ssr::client())
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("login", &input.login)]))?;
    if let Some(previous) = ssr::actor() {
        domain::accounts::logout(&hearth, &previous)
            .await
            .map_err(ssr::to_app_error)?;
    }
    ssr::set_session_cookie(&done.cookie);
    if done.deletion_cancelled {
        leptos_actix::redirect("/settings?saved=deletion-cancelled");
    } else {
        leptos_actix::redirect(&ssr::safe_next(next.as_deref()));
    }
    Ok(())
}

#[server(endpoint = "account/logout")]
pub async fn logout() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    if let Some(actor) = ssr::actor() {
        domain::accounts::logout(&hearth, &actor)
            .await
            .map_err(ssr::to_app_error)?;
    }
    ssr::clear_session_cookie();
    leptos_actix::redirect("/");
    Ok(())
}

#[server(endpoint = "account/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    domain::accounts::request_password_reset(&hearth, &email, &ssr::client())
        .await
        .map_err(|e| ssr::to_app_error(e).with_values(&[("email", &email)]))?;
    leptos_actix::redirect("/forgot-password?sent=1");
    Ok(())
}

#[server(endpoint = "account/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    domain::accounts::confirm_password_reset(&hearth, &token, &password)
        .await
        .map_err(ssr::to_app_error)?;
    ssr::clear_session_cookie();
    leptos_actix::redirect("/login?reset=1");
    Ok(())
}

#[server(endpoint = "account/change-password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::accounts::change_password(&hearth, &actor, &current_password, &new_password)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/settings?saved=password");
    Ok(())
}

#[server(endpoint = "account/profile")]
pub async fn update_profile(display_name: String, bio: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let input = domain::accounts::ProfileInput { display_name, bio };
    domain::accounts::update_profile(&hearth, &actor, &input)
        .await
        .map_err(|e| {
            ssr::to_app_error(e).with_values(&[("display_name", &input.display_name), ("bio", &input.bio)])
        })?;
    leptos_actix::redirect("/settings?saved=profile");
    Ok(())
}

/// Creates a personal API token (a plain form post); the settings page shows its secret once.
pub use token_create::{CreateApiToken, create_api_token};

/// The token form's server function: one argument per field, scope checkboxes included (more than clippy's
/// seven; the module allows it).
#[allow(clippy::too_many_arguments)]
mod token_create {
    use leptos::server;

    use crate::model::AppError;
    #[cfg(feature = "ssr")]
    use crate::ssr;

    /// Scope checkboxes are named `scope_<name>` (a checked box sends "on").
    #[server(endpoint = "account/tokens/create")]
    pub async fn create_api_token(
        name: String,
        token_password: String,
        #[server(default)] expires_at: Option<String>,
        #[server(default)] scope_write: Option<String>,
        #[server(default)] scope_staff: Option<String>,
        #[server(default)] scope_moderation: Option<String>,
        #[server(default)] scope_product: Option<String>,
        #[server(default)] scope_admin: Option<String>,
        #[server(default)] scope_mentions: Option<String>,
    ) -> Result<(), AppError> {
        let hearth = ssr::hearth()?;
        let actor = ssr::require_actor()?;
        let scopes = [
            ("write", scope_write),
            ("staff", scope_staff),
            ("moderation", scope_moderation),
            ("product", scope_product),
            ("admin", scope_admin),
            ("mentions", scope_mentions),
        ]
        .into_iter()
        .filter(|(_, on)| on.as_deref().is_some_and(|v| !v.is_empty()))
        .map(|(s, _)| s.to_owned())
        .collect();
        let typed_name = name.clone();
        let typed_expiry = expires_at.clone().unwrap_or_default();
        let input = domain::accounts::api_tokens::NewToken {
            name,
            scopes,
            expires_at,
            current_password: token_password,
        };
        // The form names the password `token_password` (the page's other form has a `current_password`).
        let (_, secret) = domain::accounts::api_tokens::create(&hearth, &actor, &input)
            .await
            .map_err(|e| {
                let mut e = ssr::to_app_error(e);
                if let Some(m) = e.fields.remove("current_password") {
                    e.fields.insert("token_password".into(), m);
                }
                // The scopes, expiry and password are rendered by the server inside the form, without field
                // errors of their own (the wasm bundle stays small): the summary names what is wrong.
                let named: Vec<String> = e
                    .fields
                    .iter()
                    .filter(|(k, _)| k.as_str() != "name")
                    .map(|(k, m)| {
                        let label = match k.as_str() {
                            "token_password" => "Current password",
                            "expires_at" => "Expiry",
                            _ => "Scopes",
                        };
                        format!("{label}: {m}.")
                    })
                    .collect();
                if !named.is_empty() {
                    e.message = named.join(" ");
                }
                e.with_values(&[("name", &typed_name), ("expires_at", &typed_expiry)])
            })?;
        // A plain form post: the next page shows the secret once (it never travels in a URL).
        domain::accounts::api_tokens::keep_to_show_once(&hearth, &actor, &secret)
            .await
            .map_err(ssr::to_app_error)?;
        leptos_actix::redirect("/settings?token=created#tokens");
        Ok(())
    }
}

/// The secret of the token this session just created, once.
#[server(endpoint = "account/tokens/new-secret")]
pub async fn new_token_secret() -> Result<Option<String>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::accounts::api_tokens::take_to_show_once(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)
}

#[server(endpoint = "account/tokens/revoke")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::accounts::api_tokens::revoke(&hearth, &actor, domain::ids::ApiTokenId(id))
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/settings?saved=token-revoked");
    Ok(())
}

/// The signed-in member's API tokens.
#[server(endpoint = "account/tokens/list")]
pub async fn list_api_tokens() -> Result<Vec<TokenInfo>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let tokens = domain::accounts::api_tokens::list(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(tokens
        .into_iter()
        .map(|t| TokenInfo {
            expired: t.expired(),
            id: t.id.0,
            name: t.name,
            prefix: t.token_prefix,
            created_at: t.created_at.format("%Y-%m-%d").to_string(),
            last_used_at: t.last_used_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
            revoked: t.revoked_at.is_some(),
            scopes: t.scopes.join(", "),
            expires_at: t.expires_at.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
        })
        .collect())
}

/// Asks for an archive of the member's data (a plain form post; the link is e-mailed).
#[server(endpoint = "account/export")]
pub async fn request_export() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::privacy::request_export(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/settings?saved=export#your-data");
    Ok(())
}

/// The state of the member's latest export.
#[server(endpoint = "account/export/state")]
pub async fn my_data() -> Result<MyDataInfo, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let latest = domain::privacy::latest_export(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    let when = |d: chrono::DateTime<chrono::Utc>| d.format("%-d %B %Y, %H:%M UTC").to_string();
    Ok(match latest {
        None => MyDataInfo::default(),
        Some(e) => MyDataInfo {
            export_state: Some(e.state.clone()),
            export_requested: Some(when(e.requested_at)),
            export_expires: e.expires_at.map(when),
            export_downloaded: e.downloaded_at.map(when),
            next_export: (e.next_allowed_at() > chrono::Utc::now() && e.state != "failed")
                .then(|| when(e.next_allowed_at())),
        },
    })
}

/// Deletes the member's account after the grace period (a plain form post with the password); they are logged
/// out at once.
#[server(endpoint = "account/delete")]
pub async fn delete_account(
    delete_password: String,
    #[server(default)] remove_content: Option<String>,
) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let remove = remove_content.is_some_and(|v| !v.is_empty() && v != "false");
    // The form names the password `delete_password` (the page's other forms have theirs).
    let due = domain::privacy::request_deletion(&hearth, &actor, &delete_password, remove)
        .await
        .map_err(|e| {
            let mut e = ssr::to_app_error(e);
            if let Some(m) = e.fields.remove("password") {
                e.fields.insert("delete_password".into(), m);
            }
            e
        })?;
    ssr::clear_session_cookie();
    leptos_actix::redirect(&format!(
        "/account-deleted?due={}",
        urlencode(&due.format("%-d %B %Y").to_string())
    ));
    Ok(())
}

/// Percent-encodes a query value.
pub fn urlencode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A signed-in session as the sessions page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionView {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub created: String,
    pub last_seen: String,
    pub current: bool,
}

#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%b %-d, %Y %H:%M UTC").to_string();
    Ok(domain::accounts::my_sessions(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?
        .into_iter()
        .map(|s| SessionView {
            created: when(s.created_at),
            last_seen: when(s.last_seen_at),
            id: s.id,
            device: s.device,
            ip: s.ip,
            current: s.current,
        })
        .collect())
}

/// Ends one of the member's sessions (a plain form).
#[server(endpoint = "account/sessions/end")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    domain::accounts::end_session(&hearth, &actor, &id)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect("/settings/sessions?saved=ended");
    Ok(())
}

/// Ends every session but this one (a plain form).
#[server(endpoint = "account/sessions/end-others")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let n = domain::accounts::end_other_sessions(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    leptos_actix::redirect(&format!("/settings/sessions?saved=ended-others&n={n}"));
    Ok(())
}
