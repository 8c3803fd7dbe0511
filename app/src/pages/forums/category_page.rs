use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::{MoreLink, data_error};
use crate::api::forums::{WatchCategory, category_page};
use crate::components::{PageTitle, TopicList};
use crate::pages::query_param;

#[component]
pub fn CategoryPage() -> impl IntoView {
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    let after = query_param("after");
    let key = slug.clone();
    let signed_in = use_context::<crate::model::PageCtx>().is_some_and(|c| c.viewer.is_some());

    let data = Resource::new_blocking(
        move || (key.clone(), after.clone()),
        |(slug, after)| category_page(slug, after),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                match data.await {
                    Ok((category, list)) => {
                        let visibility = match category.visibility.as_str() {
                            "club" => Some("Fan-club members only"),
                            "staff" => Some("Team only"),
                            _ => None,
                        };
                        view! {
                            <PageTitle text=category.name.clone()/>
                            <div class="page">
                                <header class="category-header" style=format!("--pill:{}", category.color)>
                                    <h1>{category.name.clone()}</h1>
                                    {visibility.map(|v| view! { <p class="tag">{v}</p> })}
                                    {(!category.description.is_empty()).then(|| view! { <p>{category.description.clone()}</p> })}
                                    <div class="actions">
                                        {category.can_post.then(|| view! {
                                            <a class="button" href=format!("/new-topic?category={}", category.slug)>"New topic"</a>
                                        })}
                                                                                {signed_in.then(|| view! {
                                        <form method="post" action=WatchCategory::url() class="inline-form">
                                            <input type="hidden" name="slug" value=category.slug.clone()/>
                                            <input type="hidden" name="watch" value=(!category.watching).to_string()/>
                                            <button type="submit" class="button button-secondary">
                                                                                                {if category.watching { "Stop watching" } else { "Watch this category" }}
                                            </button>
                                        </form>
                                        })}
                                    </div>
                                </header>
                                {(!list.pinned.is_empty()).then(|| view! {
                                    <section aria-labelledby="pinned-title">
                                        <h2 id="pinned-title" class="visually-hidden">"Pinned"</h2>
                                        <TopicList topics=list.pinned.clone() hide_category=true label="Pinned topics"/>
                                    </section>
                                })}
                                <TopicList topics=list.items hide_category=true label=format!("Topics in {}", category.name)/>
                                <MoreLink base=format!("/c/{slug}") next=list.next/>
                            </div>
                        }.into_any()
                    }
                    Err(e) => data_error(e),
                }
            })}}
        </Suspense>
    }
}
