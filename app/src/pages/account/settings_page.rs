use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::accounts::{
    ChangePassword, CreateApiToken, RevokeApiToken, UpdateProfile, list_api_tokens, new_token_secret,
};
use crate::api::profiles::my_profile;
use crate::api::url_error;
use crate::components::{Field, FormErrors, Notice, PageTitle, TextAreaField};
use crate::model::AppError;
use crate::model::PageCtx;
use crate::pages::query_param;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let signed_in = use_context::<PageCtx>().unwrap_or_default().viewer.is_some();
    if !signed_in {
        return crate::pages::login_required("/settings");
    }
    let profile = Resource::new_blocking(|| (), |_| my_profile());
    let tokens = Resource::new_blocking(|| (), |_| list_api_tokens());
    let query = use_query_map();
    let profile_error = query.with_untracked(url_error::<UpdateProfile>);
    let password_error = query.with_untracked(url_error::<ChangePassword>);
    let token_error = query.with_untracked(url_error::<CreateApiToken>);
    let new_secret = Resource::new_blocking(|| (), |_| new_token_secret());
    let saved = query_param("saved");
    view! {
        <PageTitle text="Settings"/>
        <div class="page narrow settings-page">
            <h1>"Settings"</h1>
            <p><a href="/settings/products">"Products I own"</a>" · "<a href="/settings/sessions">"Sessions and devices"</a>" · "<a href="/notifications">"Notifications"</a></p>
            {saved.map(|what| {
                let text = match what.as_str() {
                    "profile" => "Your profile is saved.",
                    "password" => "Your password is changed; your other sessions are logged out.",
                    "token-revoked" => "The token is revoked.",
                    "notifications" => "Your e-mail preferences are saved.",
                    "export" => "We are preparing your archive: a download link will reach you by e-mail shortly.",
                    "deletion-cancelled" => "Welcome back: you logged in, so your account will not be deleted.",
                    _ => "Saved.",
                };
                view! { <Notice>{text}</Notice> }
            })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let profile_error = profile_error.clone();
                    let password_error = password_error.clone();
                    Suspend::new(async move {
                    let Ok(Some((p, email, _))) = profile.await else {
                        return view! { <p class="error">"Your settings could not be loaded. Please reload."</p> }.into_any();
                    };
                    let display_name = profile_error.as_ref().and_then(|e| e.value("display_name")).or(p.display_name.clone()).unwrap_or_default();
                    let bio = profile_error.as_ref().and_then(|e| e.value("bio")).unwrap_or(p.bio.clone());
                    view! {
                        <section aria-labelledby="account-title" class="card">
                            <h2 id="account-title">"Account"</h2>
                            <dl class="facts">
                                <dt>"Username"</dt><dd><a href=format!("/u/{}", p.username)>{p.username.clone()}</a></dd>
                                <dt>"E-mail address"</dt><dd>{email}</dd>
                                <dt>"Roles"</dt><dd>{p.roles.join(", ")}</dd>
                            </dl>
                        </section>
                        <section aria-labelledby="profile-title" class="card">
                            <h2 id="profile-title">"Profile"</h2>
                            <form method="post" action=UpdateProfile::url() class="form">
                                <FormErrors error=Signal::stored(profile_error.clone())/>
                                <Field name="display_name" label="Display name" autocomplete="name" maxlength=50
                                    value=display_name hint="Shown instead of your username. Optional."
                                    error=profile_error.as_ref().and_then(|e| e.field("display_name"))/>
                                <TextAreaField name="bio" label="About you" maxlength=500 value=bio
                                    hint="Up to 500 characters, shown on your profile."
                                    error=profile_error.as_ref().and_then(|e| e.field("bio"))/>
                                <button type="submit" class="button">"Save profile"</button>
                            </form>
                        </section>
                        <section aria-labelledby="password-title" class="card">
                            <h2 id="password-title">"Password"</h2>
                            <form method="post" action=ChangePassword::url() class="form">
                                <FormErrors error=Signal::stored(password_error.clone())/>
                                <Field name="current_password" label="Current password" input_type="password"
                                    autocomplete="current-password" required=true
                                    error=password_error.as_ref().and_then(|e| e.field("current_password"))/>
                                <Field name="new_password" label="New password" input_type="password"
                                    autocomplete="new-password" required=true minlength=8 maxlength=128
                                    hint="At least 8 characters. Your other sessions will be logged out."
                                    error=password_error.as_ref().and_then(|e| e.field("new_password"))/>
                                <button type="submit" class="button">"Change password"</button>
                            </form>
                        </section>
                    }.into_any()
                })}}
            </Suspense>
            <section id="tokens" aria-labelledby="tokens-title" class="card">
                <h2 id="tokens-title">"API tokens"</h2>
                <p>"Personal tokens let scripts and integrations (a CRM, a support desk) use the "
                    <a href="/api/v1/openapi.json">"REST API"</a>" as you: send "
                    <code>"Authorization: Bearer <token>"</code>"."</p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let tokens = tokens.await.unwrap_or_default();
                        let live: Vec<_> = tokens.into_iter().filter(|t| !t.revoked).collect();
                        if live.is_empty() {
                            return view! { <p class="muted">"You have no tokens."</p> }.into_any();
                        }
                        view! {
                            <table class="table">
                                <caption class="visually-hidden">"Your API tokens"</caption>
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Starts with"</th><th scope="col">"Scopes"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Expires"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {live.into_iter().map(|t| view! {
                                        <tr>
                                            <td>{t.name.clone()}</td>
                                            <td><code>{t.prefix.clone()}"…"</code></td>
                                            <td>{t.scopes.clone()}</td>
                                            <td>{t.created_at.clone()}</td>
                                            <td>{t.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
                                            <td>{match (&t.expires_at, t.expired) {
                                                (Some(at), true) => format!("expired {at}"),
                                                (Some(at), false) => at.clone(),
                                                (None, _) => "never".into(),
                                            }}</td>
                                            <td>
                                                <form method="post" action=RevokeApiToken::url() class="inline-form">
                                                    <input type="hidden" name="id" value=t.id.to_string()/>
                                                    <button type="submit" class="button-quiet danger">
                                                        "Revoke"<span class="visually-hidden">" " {t.name.clone()}</span>
                                                    </button>
                                                </form>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    })}
                </Suspense>
                <NewTokenForm error=token_error.clone() secret=new_secret/>
            </section>
            <EmailPreferences/>
            <YourData/>
        </div>
    }
    .into_any()
}

/// "Download my data" and "Delete my account".
#[component]
fn YourData() -> impl IntoView {
    use crate::api::accounts::{DeleteAccount, RequestExport, my_data};
    let data = Resource::new_blocking(|| (), |_| my_data());
    let query = use_query_map();
    let export_error = query.with_untracked(url_error::<RequestExport>);
    let delete_error = query.with_untracked(url_error::<DeleteAccount>);
    view! {
        <section id="your-data" aria-labelledby="data-title" class="card">
            <h2 id="data-title">"Your data"</h2>
            <h3>"Download my data"</h3>
            <p>"An archive (zip) of JSON files: your profile, e-mail preferences, topics, posts and their earlier versions, questions, answers, votes, ideas and idea votes, comments, flags, club membership and RSVPs, notifications, sessions and tokens (never their secrets). We e-mail you a link that works once, for you, for 72 hours. One export a day."</p>
            <FormErrors error=Signal::stored(export_error)/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let info = data.await.unwrap_or_default();
                    let status = match info.export_state.as_deref() {
                        Some("pending") => Some(format!("Asked for on {}: being prepared, the link will be e-mailed.", info.export_requested.clone().unwrap_or_default())),
                        Some("ready") => Some(format!("Ready: the link is in your e-mail and works until {}.", info.export_expires.clone().unwrap_or_default())),
                        Some("downloaded") => Some(format!("Downloaded on {}.", info.export_downloaded.clone().unwrap_or_default())),
                        Some("expired") => Some("Your last archive expired before it was downloaded.".to_owned()),
                        Some("failed") => Some("Your last archive could not be built. Please ask again.".to_owned()),
                        _ => None,
                    };
                    view! {
                        {status.map(|s| view! { <p class="export-status" role="status">{s}</p> })}
                        {match info.next_export {
                            Some(next) => view! { <p class="muted">"You can ask for another export from "{next}"."</p> }.into_any(),
                            None => view! {
                                <form method="post" action=RequestExport::url() class="form">
                                    <button type="submit" class="button">"Download my data"</button>
                                </form>
                            }.into_any(),
                        }}
                    }
                })}
            </Suspense>
            <h3 id="delete-title">"Delete my account"</h3>
            <p>"Your account is deleted 7 days after you ask; logging in before then cancels it. Then your name, e-mail address, profile, products, tokens and preferences are removed. Your posts stay readable under a pseudonym (\"Former member\") unless you also remove them; topics you started keep their replies. Votes keep counting but no longer name you. You are logged out everywhere at once."</p>
            <form method="post" action=DeleteAccount::url() class="form" aria-labelledby="delete-title">
                <FormErrors error=Signal::stored(delete_error.clone())/>
                <Field name="delete_password" label="Your password" input_type="password"
                    autocomplete="current-password" required=true
                    hint="To confirm that it is you."
                    error=delete_error.as_ref().and_then(|e| e.field("delete_password"))/>
                <p class="field field-checkbox">
                    <input type="checkbox" id="remove_content" name="remove_content" value="on"/>
                    <label for="remove_content">"Also remove my posts and comments"</label>
                </p>
                <button type="submit" class="button button-danger">"Delete my account"</button>
            </form>
        </section>
    }
}

/// How the member hears about each kind of event by e-mail.
#[component]
fn EmailPreferences() -> impl IntoView {
    use crate::api::notify::{SaveNotificationPreferences, notification_preferences};
    let prefs = Resource::new_blocking(|| (), |_| notification_preferences());
    let error = use_query_map().with_untracked(url_error::<SaveNotificationPreferences>);
    let choices = [
        ("immediately", "Immediately"),
        ("daily", "Daily summary"),
        ("weekly", "Weekly summary"),
        ("never", "Never"),
    ];
    view! {
        <section id="notifications" aria-labelledby="email-title" class="card">
            <h2 id="email-title">"E-mail notifications"</h2>
            <p class="muted">"Everything also appears under Notifications on the site. Every e-mail has a one-click unsubscribe link."</p>
            <FormErrors error=Signal::stored(error)/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let prefs = prefs.await.unwrap_or_default();
                    view! {
                        <form method="post" action=SaveNotificationPreferences::url() class="form">
                            {prefs.into_iter().map(|p| {
                                let id = format!("pref-{}", p.topic);
                                view! {
                                    <p>
                                        <label for=id.clone()>{p.label.clone()}</label>
                                        <select id=id name=format!("prefs[{}]", p.topic)>
                                            {choices.iter().map(|(v, l)| view! {
                                                <option value=*v selected=p.delivery == *v>{*l}</option>
                                            }).collect_view()}
                                        </select>
                                    </p>
                                }
                            }).collect_view()}
                            <button type="submit" class="button">"Save e-mail preferences"</button>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Creates a token: a plain form (no JavaScript, no island); after the redirect the page shows the new secret
/// once, taken from the session's one-time store (it never travels in a URL). Errors come back at their fields.
#[component]
fn NewTokenForm(
    error: Option<AppError>,
    secret: Resource<Result<Option<String>, AppError>>,
) -> impl IntoView {
    let viewer = use_context::<PageCtx>().unwrap_or_default().viewer;
    let has = |role: &str| viewer.as_ref().is_some_and(|v| v.has_role(role));
    let scopes: Vec<(&str, &str)> = [
        ("write", "write — post, vote and change things as you", true),
        ("staff", "staff — official answers, the staff inbox", has("staff")),
        (
            "moderation",
            "moderation — the queue, hiding, sanctions",
            has("moderator"),
        ),
        (
            "product",
            "product — idea statuses, exports, Insights",
            has("product"),
        ),
        ("admin", "admin — administer the community", has("admin")),
        (
            "mentions",
            "mentions — send mentions to Talking Point, nothing else",
            has("staff"),
        ),
    ]
    .into_iter()
    .filter(|(_, _, ok)| *ok)
    .map(|(s, l, _)| (s, l))
    .collect();
    let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
    let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let scopes_error = field("scopes");
    let expiry_error = field("expires_at");
    let password_error = field("token_password");
    let expiry_described = if expiry_error.is_some() {
        "f-expires_at-hint f-token-expiry-error"
    } else {
        "f-expires_at-hint"
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                secret.await.ok().flatten().map(|s| view! {
                    <div class="notice notice-success" role="status" id="new-token">
                        <p>"Your new token — copy it now, it will not be shown again:"</p>
                        <p><code class="token-secret">{s}</code></p>
                    </div>
                })
            })}
        </Suspense>
        <form method="post" action=CreateApiToken::url() class="form form-inline" aria-label="New API token">
            <FormErrors error=Signal::stored(error.clone())/>
            <Field name="name" label="Token name" required=true maxlength=60 hint="What it is for, e.g. “CRM sync”."
                value=value("name") error=field("name")/>
            <fieldset class="token-scopes" class:field-invalid=scopes_error.is_some()
                aria-describedby=scopes_error.as_ref().map(|_| "f-token-scopes-error")>
                <legend>"What it may do (it can always read what you can read)"</legend>
                {scopes_error.clone().map(|m| view! { <p class="field-error" id="f-token-scopes-error">{m}</p> })}
                {scopes.into_iter().map(|(scope, label)| {
                    let id = format!("scope-{scope}");
                    view! {
                        <p class="field-check">
                            <input type="checkbox" id=id.clone() name=format!("scope_{scope}") value="on"/>
                            <label for=id>{label}</label>
                        </p>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field" class:field-invalid=expiry_error.is_some()>
                <label for="f-expires_at">"Expires on (optional)"</label>
                <p class="field-hint" id="f-expires_at-hint">"Within a year; empty: never."</p>
                <input id="f-expires_at" type="date" name="expires_at" value=value("expires_at")
                    aria-invalid=expiry_error.is_some().then_some("true")
                    aria-describedby=expiry_described/>
                {expiry_error.clone().map(|m| view! { <p class="field-error" id="f-token-expiry-error">{m}</p> })}
            </div>
            <div class="field" class:field-invalid=password_error.is_some()>
                <label for="f-token_password">"Your current password"</label>
                <input id="f-token_password" type="password" name="token_password" required=true
                    autocomplete="current-password" aria-invalid=password_error.is_some().then_some("true")
                    aria-describedby=password_error.as_ref().map(|_| "f-token-password-error")/>
                {password_error.clone().map(|m| view! { <p class="field-error" id="f-token-password-error">{m}</p> })}
            </div>
            <button type="submit" class="button button-secondary">"Create token"</button>
        </form>
    }
}
