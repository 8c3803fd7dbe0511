use leptos::prelude::*;

use crate::components::PageTitle;
use crate::pages::query_param;

/// After "Delete my account": when it happens, and how to stop it.
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let due = query_param("due").unwrap_or_default();
    view! {
        <PageTitle text="Your account will be deleted"/>
        <div class="page narrow">
            <h1>"Your account will be deleted"</h1>
            <p role="status">
                {if due.is_empty() {
                    "Your account will be deleted in 7 days.".to_owned()
                } else {
                    format!("Your account will be deleted on {due}.")
                }}
                " You were logged out everywhere, and we sent you an e-mail about it."
            </p>
            <h2>"Changed your mind?"</h2>
            <p>"Log in before then and the deletion is cancelled: everything stays as it was."</p>
            <p><a class="button" href="/login">"Log in to keep my account"</a></p>
        </div>
    }
}
