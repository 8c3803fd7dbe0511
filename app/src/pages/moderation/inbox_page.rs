use leptos::prelude::*;
use server_fn::ServerFn;

use super::ModTabs;
use crate::api::moderation::{InboxAction, staff_inbox};
use crate::components::PageTitle;
use crate::pages::{login_required, query_param};

/// `/staff/inbox`: what waits for the brand, oldest first — unanswered questions and detractor posts.
#[component]
pub fn InboxPage() -> impl IntoView {
    let q = |n: &str| query_param(n).unwrap_or_default();
    let key = (q("kind"), q("after"));
    let data = Resource::new_blocking(move || key.clone(), |(k, a)| staff_inbox(k, a));
    view! {
        <PageTitle text="Staff inbox"/>
        <div class="page mod-page">
            <h1>"Staff inbox"</h1>
            <ModTabs current="/staff/inbox"/>
            <p class="muted">"Questions nobody answered yet and clearly unhappy posts without a staff reply, oldest first. Reply from the topic; your reply is marked official."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.allowed => view! { <p class="error" role="alert">"The staff inbox is for the brand's staff."</p> }.into_any(),
                        Ok(v) => view! {
                            <p data-testid="inbox-summary">{format!("{} waiting.", v.waiting)}
                                {v.median_first_response.clone().map(|m| format!(" Median first response (30 days): {m}."))}</p>
                            {v.items.is_empty().then(|| view! { <p>"Everyone got an answer."</p> })}
                            <ol class="inbox">
                                {v.items.into_iter().map(|i| {
                                    let heading = format!("inbox-{}", i.id);
                                    view! {
                                        <li>
                                            <article class="card inbox-item" aria-labelledby=heading.clone()>
                                                <h2 id=heading.clone()>
                                                    <span class="badge">{if i.kind == "detractor" { "Unhappy customer" } else { "Unanswered question" }}</span>
                                                    " " <a href=i.url.clone()>{i.topic_title.clone()}</a>
                                                </h2>
                                                <p class="muted">"By " <a href=format!("/u/{}", i.author)>{i.author.clone()}</a>
                                                    " · waiting " <time datetime=i.since_iso.clone()>{i.waiting.clone()}</time>
                                                    {i.assigned_to.clone().map(|a| format!(" · assigned to {a}"))}</p>
                                                <blockquote>{i.excerpt.clone()}</blockquote>
                                                <div class="queue-actions">
                                                    <a class="button" href=i.url.clone()>"Reply"<span class="visually-hidden">" to " {i.topic_title.clone()}</span></a>
                                                    <form method="post" action=InboxAction::url() class="inline-form">
                                                        <input type="hidden" name="item_id" value=i.id.to_string()/>
                                                        <input type="hidden" name="action" value="assign"/>
                                                        <button type="submit" class="button button-secondary">"Assign to me"</button>
                                                    </form>
                                                    <form method="post" action=InboxAction::url() class="inline-form">
                                                        <input type="hidden" name="item_id" value=i.id.to_string()/>
                                                        <input type="hidden" name="action" value="handle"/>
                                                        <button type="submit" class="button button-secondary">"Mark handled"</button>
                                                    </form>
                                                </div>
                                            </article>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                            {v.next.map(|n| view! { <nav class="pager" aria-label="More items"><a class="button button-secondary" href=format!("/staff/inbox?after={n}")>"More"</a></nav> })}
                        }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/staff/inbox"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
