use leptos::prelude::*;

use super::ModTabs;
use crate::api::moderation::audit_entries;
use crate::components::PageTitle;
use crate::pages::{login_required, query_param};

/// `/mod/audit`: every staff action — who, what, when, before and after, why. Append-only.
#[component]
pub fn AuditPage() -> impl IntoView {
    let q = |n: &str| query_param(n).unwrap_or_default();
    let (action, who, after) = (q("action"), q("who"), q("after"));
    let key = (action.clone(), who.clone(), after);
    let data = Resource::new_blocking(move || key.clone(), |(a, w, f)| audit_entries(a, w, f));
    let (action_q, who_q) = (action.clone(), who.clone());
    view! {
        <PageTitle text="Audit log"/>
        <div class="page mod-page">
            <h1>"Moderation"</h1>
            <ModTabs current="/mod/audit"/>
            <p class="muted">"Every action of the team, newest first. Entries cannot be changed or deleted."</p>
            <form method="get" action="/mod/audit" class="filters" aria-label="Filter the audit log">
                <p class="field-inline"><label for="audit-action">"Action (or its start)"</label> <input id="audit-action" name="action" value=action placeholder="queue."/></p>
                <p class="field-inline"><label for="audit-who">"By (username)"</label> <input id="audit-who" name="who" value=who/></p>
                <button type="submit" class="button button-secondary">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let (action_q, who_q) = (action_q.clone(), who_q.clone());
                    Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.allowed => view! { <p class="error" role="alert">"The audit log is for moderators and staff."</p> }.into_any(),
                        Ok(v) => view! {
                            <table class="audit">
                                <caption class="visually-hidden">"Audit log entries"</caption>
                                <thead><tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                                    <th scope="col">"Target"</th><th scope="col">"Before → after"</th><th scope="col">"Reason"</th>
                                </tr></thead>
                                <tbody>
                                    {v.items.into_iter().map(|e| view! {
                                        <tr>
                                            <td><time datetime=e.when_iso.clone()>{e.when.clone()}</time></td>
                                            <td>{e.actor.clone()}</td>
                                            <td><code>{e.action.clone()}</code></td>
                                            <td>{e.target.clone()}</td>
                                            <td class="audit-change"><code>{e.before.clone()}</code> " → " <code>{e.after.clone()}</code></td>
                                            <td>{e.reason.clone()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {v.next.map(|n| view! {
                                <nav class="pager" aria-label="Older entries">
                                    <a class="button button-secondary" href=format!("/mod/audit?action={}&who={}&after={n}", action_q, who_q)>"Older entries"</a>
                                </nav>
                            })}
                        }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/mod/audit"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}}
            </Suspense>
        </div>
    }
}
