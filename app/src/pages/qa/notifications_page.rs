use leptos::prelude::*;
use server_fn::ServerFn;

use crate::api::qa::{MarkAllRead, notifications};
use crate::components::PageTitle;
use crate::model::PageCtx;
use crate::pages::forums::data_error;
use crate::pages::query_param;

/// `/notifications`: what happened for the member, newest first, each linking to the exact post.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    if use_context::<PageCtx>().is_none_or(|c| c.viewer.is_none()) {
        return crate::pages::login_required("/notifications");
    }
    let before = query_param("before").and_then(|b| b.parse::<i64>().ok());
    let data = Resource::new_blocking(move || before, notifications);
    view! {
        <PageTitle text="Notifications"/>
        <div class="page narrow">
            <h1>"Notifications"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! {
                            <p class="muted">{crate::pages::count(page.unread, "unread notification", "unread notifications")}</p>
                            {(page.unread > 0).then(|| view! {
                                <form method="post" action=MarkAllRead::url() class="inline-form">
                                    <button type="submit" class="button button-secondary">"Mark all read"</button>
                                </form>
                            })}
                            {if page.items.is_empty() {
                                view! { <p>"Nothing yet."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="notification-list">
                                        {page.items.into_iter().map(|n| view! {
                                            <li class="notification" class:notification-unread=!n.read>
                                                {(!n.read).then(|| view! { <span class="visually-hidden">"Unread: "</span> })}
                                                <a href=n.url.clone()>{n.title.clone()}</a>
                                                " " <time class="muted" datetime=n.created_iso.clone()>{n.created.clone()}</time>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {page.next.map(|n| view! {
                                <nav class="pager" aria-label="Older notifications">
                                    <a class="button button-secondary" href=format!("/notifications?before={n}")>"Older"</a>
                                </nav>
                            })}
                        }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
        </div>
    }
    .into_any()
}
