use leptos::prelude::*;

use crate::api::club::club_members;
use crate::components::PageTitle;
use crate::pages::query_param;

/// `/club/members`: the club members who chose to be listed (club members and the team only).
#[component]
pub fn DirectoryPage() -> impl IntoView {
    let after = query_param("after");
    let data = Resource::new_blocking(move || after.clone(), club_members);
    view! {
        <PageTitle text="Club member directory"/>
        <div class="page narrow">
            <h1>"Club member directory"</h1>
            <p class="muted">"Members of the fan club who chose to be listed. "
                <a href="/club#membership">"Choose whether you are listed."</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) => view! {
                            {if list.items.is_empty() {
                                view! { <p class="muted">"Nobody is listed yet."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="directory">
                                        <caption class="visually-hidden">"Listed club members"</caption>
                                        <thead><tr>
                                            <th scope="col">"Member"</th><th scope="col">"Tier"</th>
                                            <th scope="col">"Reputation"</th><th scope="col">"Member since"</th>
                                        </tr></thead>
                                        <tbody>
                                            {list.items.into_iter().map(|m| view! {
                                                <tr>
                                                    <th scope="row"><a href=format!("/u/{}", m.username)>{m.name.clone()}</a></th>
                                                    <td>{m.tier.clone().unwrap_or_default()}</td>
                                                    <td>{m.reputation}</td>
                                                    <td>{m.joined.clone()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                            {list.next.map(|n| view! {
                                <nav class="pager" aria-label="More members"><a class="button button-secondary" href=format!("/club/members?after={n}")>"More"</a></nav>
                            })}
                        }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">{e.message.clone()}</p>
                            {(e.code == "forbidden").then(|| view! { <p><a class="button" href="/club">"Join the fan club"</a></p> })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
