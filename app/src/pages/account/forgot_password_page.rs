use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::{accounts::RequestPasswordReset, url_error};
use crate::components::{Field, FormErrors, Notice, PageTitle};
use crate::pages::query_param;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let sent = query_param("sent").is_some();
    let error = use_query_map().with_untracked(url_error::<RequestPasswordReset>);
    let email_error = error.as_ref().and_then(|e| e.field("email"));
    let email = error.as_ref().and_then(|e| e.value("email")).unwrap_or_default();
    view! {
        <PageTitle text="Reset your password"/>
        <div class="page narrow">
            <h1>"Reset your password"</h1>
            {sent.then(|| view! {
                <Notice>"If that address belongs to an account, a link to choose a new password is on its way. It works for one hour."</Notice>
            })}
            <p>"Enter the e-mail address of your account and we will send you a link to choose a new password."</p>
            <form method="post" action=RequestPasswordReset::url() class="form">
                <FormErrors error=Signal::stored(error)/>
                <Field name="email" label="E-mail address" input_type="email" autocomplete="email" required=true
                    value=email error=email_error/>
                <button type="submit" class="button">"Send me a link"</button>
            </form>
        </div>
    }
}
