use leptos::prelude::*;

use super::query_param;
use crate::api::moderation::{AcceptPolicy, policy_status};
use crate::api::policy::policy_history;
use crate::components::{Notice, PageTitle};
use server_fn::ServerFn;

/// The acceptable use policy in force, and every earlier version.
#[component]
pub fn PolicyPage() -> impl IntoView {
    let versions = Resource::new_blocking(|| (), |_| policy_history());
    let published = query_param("published").is_some();
    let accepted = query_param("accepted").is_some();
    let status = Resource::new_blocking(|| (), |_| policy_status());
    view! {
        <PageTitle text="Acceptable use policy"/>
        <div class="page narrow policy-page">
            {published.then(|| view! { <Notice>"The new version is published. Members accept it before their next post."</Notice> })}
            {accepted.then(|| view! { <Notice>"Thank you: you accepted the policy in force and can post again."</Notice> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    (status.await == Ok(Some(false))).then(|| view! {
                        <section class="card policy-accept" aria-labelledby="accept-title">
                            <h2 id="accept-title">"The policy changed"</h2>
                            <p>"Please read the version below and accept it before your next post."</p>
                            <form method="post" action=AcceptPolicy::url() class="inline-form">
                                <button type="submit" class="button">"I accept this policy"</button>
                            </form>
                        </section>
                    })
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match versions.await {
                        Ok(versions) => {
                            let mut versions = versions.into_iter();
                            let current = versions.next();
                            let older: Vec<_> = versions.collect();
                            view! {
                                {current.map(|p| view! {
                                    <article aria-labelledby="policy-title">
                                        <h1 id="policy-title">{p.title.clone()}</h1>
                                        <p class="muted">"Version " {p.version} ", in force since " {p.published.clone()}</p>
                                        <div class="prose" inner_html=p.body_html.clone()></div>
                                    </article>
                                })}
                                {(!older.is_empty()).then(|| view! {
                                    <section aria-labelledby="history-title" class="policy-history">
                                        <h2 id="history-title">"Earlier versions"</h2>
                                        {older.into_iter().map(|p| view! {
                                            <details>
                                                <summary>"Version " {p.version} " — " {p.published.clone()}</summary>
                                                <div class="prose" inner_html=p.body_html.clone()></div>
                                            </details>
                                        }).collect_view()}
                                    </section>
                                })}
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
