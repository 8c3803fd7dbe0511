//! Forum pages: latest, category, topic, composer, edit, history, search.

mod category_page;
mod edit_post_page;
mod latest_page;
mod new_topic_page;
mod post_history_page;
mod search_page;
mod topic_page;

pub use category_page::CategoryPage;
pub use edit_post_page::EditPostPage;
pub use latest_page::{LatestPage, LatestTopics};
pub use new_topic_page::NewTopicPage;
pub use post_history_page::PostHistoryPage;
pub use search_page::SearchPage;
pub use topic_page::{PostPermalink, TopicPage};

use leptos::prelude::*;

use crate::model::AppError;

/// An error of a page's data: the status is already set by the server function; this shows why.
pub(crate) fn data_error(e: AppError) -> AnyView {
    let title = match e.code.as_str() {
        "not_found" => "Not found",
        "forbidden" => "Not for you, yet",
        "unauthenticated" => "Please log in",
        _ => "Something went wrong",
    };
    view! {
        <div class="page narrow">
            <h1>{title}</h1>
            <p>{e.message}</p>
            {(e.code == "unauthenticated").then(|| view! { <p><a href="/login">"Log in"</a></p> })}
            <p><a href="/">"Go to the home page"</a></p>
        </div>
    }
    .into_any()
}

/// "Older" link of a keyset listing.
#[component]
pub fn MoreLink(base: String, next: Option<String>) -> impl IntoView {
    next.map(|cursor| {
        let sep = if base.contains('?') { '&' } else { '?' };
        view! {
            <nav class="pager" aria-label="More topics">
                <a class="button button-secondary" href=format!("{base}{sep}after={cursor}")>"Older topics"</a>
            </nav>
        }
    })
}
