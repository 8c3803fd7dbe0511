use leptos::prelude::*;

use crate::components::PageTitle;
use leptos_router::hooks::use_params_map;

use super::data_error;
use crate::api::forums::revisions;

/// Earlier versions of a post (staff and moderators).
#[component]
pub fn PostHistoryPage() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let list = Resource::new_blocking(move || id, revisions);
    view! {
        <PageTitle text="Edit history"/>
        <div class="page narrow">
            <h1>"Edit history"</h1>
            <p><a href=format!("/p/{id}")>"Back to the post"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! { <p>"This post was never edited."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="revisions" reversed>
                                {list.into_iter().map(|r| view! {
                                    <li class="card">
                                        <h2>"Before edit " {r.revision}</h2>
                                        <p class="muted">"Replaced " {r.created} " by " {r.editor.unwrap_or_else(|| "a former member".into())}</p>
                                        {r.title.map(|t| view! { <p><strong>"Title: "</strong>{t}</p> })}
                                        <pre class="source">{r.body}</pre>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
        </div>
    }
}
