use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::{accounts::VerifyEmail, url_error};
use crate::components::{FormErrors, PageTitle};
use crate::pages::query_param;

/// The page the verification link opens. Confirming takes a click (a POST), so that mail scanners that
/// follow links do not confirm addresses on their own.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let token = query_param("token").unwrap_or_default();
    let error = use_query_map().with_untracked(url_error::<VerifyEmail>);
    view! {
        <PageTitle text="Confirm your e-mail address"/>
        <div class="page narrow">
            <h1>"Confirm your e-mail address"</h1>
            <FormErrors error=Signal::stored(error.clone())/>
            {match (token.is_empty(), error.is_some()) {
                (true, _) => view! {
                    <p>"This page needs the link from your e-mail. " <a href="/signup/check-email">"Ask for a new link"</a>"."</p>
                }.into_any(),
                (false, true) => view! {
                    <p><a href="/signup/check-email">"Ask for a new link"</a></p>
                }.into_any(),
                (false, false) => view! {
                    <form method="post" action=VerifyEmail::url() class="form">
                        <input type="hidden" name="token" value=token/>
                        <p>"One click and your account is active."</p>
                        <button type="submit" class="button">"Confirm my e-mail address"</button>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}
