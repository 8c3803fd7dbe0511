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
    let key = (q("kind"), q("assignee"), q("after"));
    let data = Resource::new_blocking(move || key.clone(), |(k, who, a)| staff_inbox(k, who, a));
    let holding = q("assignee");
    view! {
        <PageTitle text="Staff inbox"/>
        <div class="page mod-page">
            <h1>"Staff inbox"</h1>
            <ModTabs current="/staff/inbox"/>
            <p class="muted">"Questions nobody answered yet and clearly unhappy posts without a staff reply, oldest first. Reply from the topic; your reply is marked official."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let holding = holding.clone();
                    Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.allowed => view! { <p class="error" role="alert">"The staff inbox is for the brand's staff."</p> }.into_any(),
                        Ok(v) => {
                            let filters = [("", "Everyone's"), ("me", "Mine"), ("none", "Nobody's")];
                            let staff = v.holders.clone();
                            view! {
                            <p data-testid="inbox-summary">{format!("{} waiting.", v.waiting)}
                                {v.median_first_response.clone().map(|m| format!(" Median first response (30 days): {m}."))}</p>
                            <nav class="tabs" aria-label="Whose items">
                                {filters.into_iter().map(|(value, label)| {
                                    let href = if value.is_empty() { "/staff/inbox".to_owned() } else { format!("/staff/inbox?assignee={value}") };
                                    let current = (holding == value).then_some("page");
                                    view! { <a href=href aria-current=current>{label}</a> }
                                }).collect_view()}
                            </nav>
                            <section class="card inbox-holders" aria-labelledby="holders-title">
                                <h2 id="holders-title">"Who holds what"</h2>
                                <table data-testid="inbox-holders">
                                    <thead><tr><th scope="col">"Staff member"</th><th scope="col">"Waiting items held"</th></tr></thead>
                                    <tbody>
                                        {v.holders.iter().map(|(username, shown, n)| view! {
                                            <tr>
                                                <th scope="row"><a href=format!("/staff/inbox?assignee={username}")>{shown.clone()}</a></th>
                                                <td>{*n}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                            {v.items.is_empty().then(|| view! { <p>"Everyone got an answer."</p> })}
                            <ol class="inbox">
                                {v.items.into_iter().map(|i| {
                                    let heading = format!("inbox-{}", i.id);
                                    let select_id = format!("assign-to-{}", i.id);
                                    let mine = i.assigned_to.as_deref() == Some(v.me.as_str());
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
                                                    {(!mine).then(|| view! {
                                                        <form method="post" action=InboxAction::url() class="inline-form">
                                                            <input type="hidden" name="item_id" value=i.id.to_string()/>
                                                            <input type="hidden" name="action" value="assign"/>
                                                            <button type="submit" class="button button-secondary">"Assign to me"</button>
                                                        </form>
                                                    })}
                                                    <form method="post" action=InboxAction::url() class="inline-form">
                                                        <input type="hidden" name="item_id" value=i.id.to_string()/>
                                                        <input type="hidden" name="action" value="assign"/>
                                                        <label for=select_id.clone()>"Assign to"</label>
                                                        <select id=select_id.clone() name="to">
                                                            {staff.iter().map(|(username, shown, _)| {
                                                                let selected = i.assigned_to.as_deref() == Some(username.as_str());
                                                                view! { <option value=username.clone() selected=selected>{shown.clone()}</option> }
                                                            }).collect_view()}
                                                        </select>
                                                        <button type="submit" class="button button-secondary">"Assign"<span class="visually-hidden">" " {i.topic_title.clone()}</span></button>
                                                    </form>
                                                    {i.assigned_to.is_some().then(|| view! {
                                                        <form method="post" action=InboxAction::url() class="inline-form">
                                                            <input type="hidden" name="item_id" value=i.id.to_string()/>
                                                            <input type="hidden" name="action" value="unassign"/>
                                                            <button type="submit" class="button button-secondary">"Release"</button>
                                                        </form>
                                                    })}
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
                            {v.next.map(|n| view! { <nav class="pager" aria-label="More items"><a class="button button-secondary" href=format!("/staff/inbox?assignee={}&after={n}", holding)>"More"</a></nav> })}
                        }.into_any()
                        }
                        Err(e) if e.code == "unauthenticated" => login_required("/staff/inbox"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })
                }}
            </Suspense>
        </div>
    }
}
