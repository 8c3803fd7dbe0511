use leptos::prelude::*;

use crate::api::ideas::shipped_ideas;
use crate::components::PageTitle;
use crate::pages::forums::data_error;
use crate::pages::query_param;

/// `/shipped`: "You asked, we built" — shipped ideas, newest first, with the product team's note and how many
/// members asked for it.
#[component]
pub fn ShippedPage() -> impl IntoView {
    let after = query_param("after");
    let data = Resource::new_blocking(move || after.clone(), shipped_ideas);
    view! {
        <PageTitle text="You asked, we built"/>
        <div class="page narrow">
            <header class="page-header">
                <h1>"You asked, we built"</h1>
                <p class="muted">"Ideas from this community that are now in the product. "
                    <a href="/ideas">"Vote for what comes next."</a></p>
            </header>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {if list.items.is_empty() {
                                view! { <p class="muted">"Nothing shipped yet — soon."</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="shipped-list" aria-label="Shipped ideas">
                                        {list.items.into_iter().map(|s| view! {
                                            <li class="card shipped-item">
                                                <h2><a href=format!("/ideas/{}", s.id)>{s.title.clone()}</a></h2>
                                                <p class="muted">
                                                    "Shipped " <time datetime=s.shipped_iso.clone()>{s.shipped.clone()}</time>
                                                    {s.product.clone().map(|p| format!(" · {p}"))}
                                                    " · " {crate::pages::count(s.voters as i64, "member asked for it", "members asked for it")}
                                                </p>
                                                <div class="prose" inner_html=s.note_html.clone()></div>
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                            {list.next.map(|n| view! {
                                <nav class="pager" aria-label="Earlier"><a class="button button-secondary" href=format!("/shipped?after={n}")>"Earlier"</a></nav>
                            })}
                        }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
        </div>
    }
}
