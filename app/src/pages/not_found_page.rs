use leptos::prelude::*;

use crate::components::PageTitle;

/// Shown (with status 404) for every path no route takes.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(actix_web::http::StatusCode::NOT_FOUND);
    view! {
        <PageTitle text="Page not found"/>
        <div class="page narrow">
            <h1>"Page not found"</h1>
            <p>"We could not find that page. It may have moved, or the link may be mistyped."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </div>
    }
}
