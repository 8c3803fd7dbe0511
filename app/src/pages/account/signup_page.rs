use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{field_error, form_error};
use crate::api::{accounts::Signup, url_error};
use crate::components::{CheckboxField, Field, FormErrors, PageTitle};
use crate::model::{AppError, PageCtx};

#[component]
pub fn SignupPage() -> impl IntoView {
    let initial_error = use_query_map().with_untracked(url_error::<Signup>);
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    view! {
        <PageTitle text="Sign up"/>
        <div class="page narrow">
            <h1>"Join the " {ctx.brand.name} " community"</h1>
            <p>"Ask other customers, share what you know, vote on ideas. Already a member? " <a href="/login">"Log in"</a>"."</p>
            <SignupForm initial_error/>
        </div>
    }
}

/// The sign-up form: field errors appear in place without a reload once the wasm runs.
#[island]
pub fn SignupForm(initial_error: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let value = |name: &str| {
        initial_error
            .as_ref()
            .and_then(|e| e.value(name))
            .unwrap_or_default()
    };
    let (email, username) = (value("email"), value("username"));
    let error = form_error(action.value(), initial_error);
    view! {
        <ActionForm action=action attr:class="form" attr:aria-label="Sign up">
            <FormErrors error/>
            <Field name="email" label="E-mail address" input_type="email" autocomplete="email" required=true
                value=email hint="We send a link to confirm it. Never shown to other members."
                error=field_error(error, "email")/>
            <Field name="username" label="Username" autocomplete="username" required=true minlength=3 maxlength=20
                value=username hint="3 to 20 letters, digits or underscores. Shown with your posts."
                error=field_error(error, "username")/>
            <Field name="password" label="Password" input_type="password" autocomplete="new-password" required=true
                minlength=8 maxlength=128 hint="At least 8 characters; common passwords are refused."
                error=field_error(error, "password")/>
            <CheckboxField name="accept_policy" required=true error=field_error(error, "accept_policy")>
                "I accept the " <a href="/policy" target="_blank">"acceptable use policy"</a>
            </CheckboxField>
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
            </button>
        </ActionForm>
    }
}
