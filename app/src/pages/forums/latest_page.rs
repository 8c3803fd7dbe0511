use leptos::prelude::*;

use super::{MoreLink, data_error};
use crate::api::forums::latest_topics;
use crate::components::{PageTitle, TopicList};
use crate::pages::query_param;

/// The latest topics, as the home page shows them (first page) and `/latest` continues them.
#[component]
pub fn LatestTopics(#[prop(optional)] after: Option<String>) -> impl IntoView {
    let list = Resource::new_blocking(move || after.clone(), latest_topics);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <TopicList topics=list.items label="Latest topics"/>
                        <MoreLink base="/latest".to_owned() next=list.next/>
                    }.into_any(),
                    Err(e) => data_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn LatestPage() -> impl IntoView {
    let after = query_param("after");
    view! {
        <PageTitle text="Latest topics"/>
        <div class="page">
            <h1>"Latest topics"</h1>
            <LatestTopics after=after.unwrap_or_default()/>
        </div>
    }
}
