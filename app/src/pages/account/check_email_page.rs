use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::{accounts::ResendVerification, url_error};
use crate::components::{Field, FormErrors, Notice, PageTitle};
use crate::pages::query_param;

/// After sign-up: where the link went, and a way to get another.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let email = query_param("email").unwrap_or_default();
    let resent = query_param("resent").is_some();
    let error = use_query_map().with_untracked(url_error::<ResendVerification>);
    let email_error = error.as_ref().and_then(|e| e.field("email"));
    view! {
        <PageTitle text="Check your e-mail"/>
        <div class="page narrow">
            <h1>"Check your e-mail"</h1>
            {resent.then(|| view! { <Notice>"If that address belongs to an unconfirmed account, a new link is on its way."</Notice> })}
            <p>
                "We sent a confirmation link to "
                <strong>{if email.is_empty() { "your address".to_owned() } else { email.clone() }}</strong>
                ". Follow it to activate your account; it works for 48 hours."
            </p>
            <h2>"No e-mail?"</h2>
            <p>"Check your spam folder, or ask for a new link."</p>
            <form method="post" action=ResendVerification::url() class="form">
                <FormErrors error=Signal::stored(error)/>
                <Field name="email" label="E-mail address" input_type="email" autocomplete="email" required=true
                    value=email error=email_error/>
                <button type="submit" class="button button-secondary">"Send a new link"</button>
            </form>
        </div>
    }
}
