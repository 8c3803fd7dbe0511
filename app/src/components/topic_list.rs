use leptos::prelude::*;

use crate::api::forums::TopicItem;

/// A list of topics with their category, author, replies, views and last activity; unread markers for
/// members.
#[component]
pub fn TopicList(
    topics: Vec<TopicItem>,
    #[prop(optional)] hide_category: bool,
    #[prop(into)] label: String,
) -> impl IntoView {
    if topics.is_empty() {
        return view! { <p class="muted">"No topics yet."</p> }.into_any();
    }
    view! {
        <ol class="topic-list" aria-label=label>
            {topics.into_iter().map(|t| {
                let url = format!("/t/{}", t.id);
                let last_page = format!("/t/{}?page={}", t.id, t.pages);
                view! {
                    <li class="topic-row">
                        <div class="topic-main">
                            <a class="topic-title" href=url>{t.title.clone()}</a>
                            {t.pinned.then(|| view! { <span class="tag">"Pinned"</span> })}
                            {t.locked.then(|| view! { <span class="tag">"Locked"</span> })}
                            {t.is_new.then(|| view! { <span class="tag tag-new">"New"</span> })}
                            {(!t.is_new).then_some(()).and(t.unread).map(|n| view! {
                                <a class="tag tag-new" href=last_page.clone()>{n} " unread"</a>
                            })}
                            <p class="topic-meta">
                                {(!hide_category).then(|| view! {
                                    <a class="category-pill" href=format!("/c/{}", t.category_slug)
                                        style=format!("--pill:{}", t.category_color)>{t.category_name.clone()}</a>
                                })}
                                " by " <a href=format!("/u/{}", t.author)>{t.author_name.clone()}</a>
                            </p>
                        </div>
                        <dl class="topic-stats">
                            <div><dt>"Replies"</dt><dd>{t.replies}</dd></div>
                            <div><dt>"Views"</dt><dd>{t.views}</dd></div>
                            <div>
                                <dt>"Activity"</dt>
                                <dd><time datetime=t.last_posted_iso.clone()>{t.last_posted.clone()}</time></dd>
                            </div>
                        </dl>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
