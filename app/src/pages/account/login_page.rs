use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{field_error, form_error};
use crate::api::{accounts::Login, url_error};
use crate::components::{Field, FormErrors, Notice, PageTitle};
use crate::model::AppError;
use crate::pages::query_param;

#[component]
pub fn LoginPage() -> impl IntoView {
    let initial_error = use_query_map().with_untracked(url_error::<Login>);
    let next = query_param("next").unwrap_or_else(|| "/".into());
    let notice = if query_param("verified").is_some() {
        Some("Your e-mail address is confirmed. You can log in now.")
    } else if query_param("reset").is_some() {
        Some("Your password is changed. Log in with the new one.")
    } else {
        None
    };
    view! {
        <PageTitle text="Log in"/>
        <div class="page narrow">
            <h1>"Log in"</h1>
            {notice.map(|n| view! { <Notice>{n}</Notice> })}
            <LoginForm initial_error next/>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
            <p>"New here? " <a href="/signup">"Create an account"</a>"."</p>
        </div>
    }
}

#[island]
pub fn LoginForm(initial_error: Option<AppError>, next: String) -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let login = initial_error
        .as_ref()
        .and_then(|e| e.value("login"))
        .unwrap_or_default();
    let unverified = initial_error
        .as_ref()
        .is_some_and(|e| e.code == "email_not_verified");
    let error = form_error(action.value(), initial_error);
    let needs_verification = Signal::derive(move || {
        error.get().is_some_and(|e| e.code == "email_not_verified")
            || (unverified && action.value().get().is_none())
    });
    view! {
        <ActionForm action=action attr:class="form" attr:aria-label="Log in">
            <FormErrors error/>
            <Show when=move || needs_verification.get()>
                <p><a href="/signup/check-email">"Send me a new confirmation link"</a></p>
            </Show>
            <input type="hidden" name="next" value=next/>
            <Field name="login" label="E-mail address or username" autocomplete="username" required=true
                value=login error=field_error(error, "login")/>
            <Field name="password" label="Password" input_type="password" autocomplete="current-password"
                required=true error=field_error(error, "password")/>
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
            </button>
        </ActionForm>
    }
}
