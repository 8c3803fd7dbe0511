//! One module per capability; pages are named `*_page.rs`.

pub mod account;
pub mod admin;
pub mod club;
pub mod forums;
pub mod home_page;
pub mod ideas;
pub mod insights;
pub mod moderation;
pub mod not_found_page;
pub mod policy_page;
pub mod profile_page;
pub mod qa;
pub mod talking_point;

/// A query parameter of the current page.
pub fn query_param(name: &str) -> Option<String> {
    use leptos::prelude::*;
    use leptos_router::hooks::use_query_map;
    use_query_map().with_untracked(|q| q.get(name))
}

/// Sends anonymous visitors of a members-only page to the log-in page (a real 302), rendering a link for
/// anything that ignores redirects.
pub fn login_required(next: &'static str) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    let target = format!("/login?next={}", crate::api::accounts::urlencode(next));
    #[cfg(feature = "ssr")]
    crate::ssr::redirect_page(&target);
    view! {
        <div class="page narrow">
            <h1>"Please log in"</h1>
            <p><a href=target>"Log in to continue"</a></p>
        </div>
    }
    .into_any()
}

/// "1 reply", "3 replies".
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
