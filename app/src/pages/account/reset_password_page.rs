use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::{accounts::ResetPassword, url_error};
use crate::components::{Field, FormErrors, PageTitle};
use crate::pages::query_param;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = query_param("token").unwrap_or_default();
    let error = use_query_map().with_untracked(url_error::<ResetPassword>);
    let token_error = error.as_ref().and_then(|e| e.field("token"));
    let password_error = error.as_ref().and_then(|e| e.field("password"));
    view! {
        <PageTitle text="Choose a new password"/>
        <div class="page narrow">
            <h1>"Choose a new password"</h1>
            <FormErrors error=Signal::stored(error)/>
            {token_error.map(|_| view! { <p><a href="/forgot-password">"Ask for a new link"</a></p> })}
            <form method="post" action=ResetPassword::url() class="form">
                <input type="hidden" name="token" value=token/>
                <Field name="password" label="New password" input_type="password" autocomplete="new-password"
                    required=true minlength=8 maxlength=128
                    hint="At least 8 characters; common passwords are refused. You will be logged out everywhere."
                    error=password_error/>
                <button type="submit" class="button">"Set my new password"</button>
            </form>
        </div>
    }
}
