use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::accounts::{EndOtherSessions, EndSession, list_api_tokens, my_sessions};
use crate::api::url_error;
use crate::components::{FormErrors, Notice, PageTitle};
use crate::model::PageCtx;
use crate::pages::query_param;

/// `/settings/sessions`: where the member is signed in (device, address, since, last seen), ending one or every
/// other session; the API tokens beside them.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let signed_in = use_context::<PageCtx>().unwrap_or_default().viewer.is_some();
    if !signed_in {
        return crate::pages::login_required("/settings/sessions");
    }
    let sessions = Resource::new_blocking(|| (), |_| my_sessions());
    let tokens = Resource::new_blocking(|| (), |_| list_api_tokens());
    let query = use_query_map();
    let error = query
        .with_untracked(url_error::<EndSession>)
        .or_else(|| query.with_untracked(url_error::<EndOtherSessions>));
    let saved = query_param("saved").map(|what| match what.as_str() {
        "ended" => "The session is ended: that device is signed out.".to_owned(),
        "ended-others" => format!(
            "Every other session is ended ({} signed out).",
            query_param("n").unwrap_or_else(|| "0".into())
        ),
        _ => "Saved.".to_owned(),
    });
    view! {
        <PageTitle text="Sessions and devices"/>
        <div class="page narrow sessions-page">
            <p class="breadcrumbs"><a href="/settings">"Settings"</a> " › Sessions"</p>
            <h1>"Sessions and devices"</h1>
            {saved.map(|text| view! { <Notice>{text}</Notice> })}
            <FormErrors error=Signal::stored(error)/>
            <section aria-labelledby="sessions-title" class="card">
                <h2 id="sessions-title">"Where you are signed in"</h2>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let list = sessions.await.unwrap_or_default();
                        let others = list.iter().filter(|s| !s.current).count();
                        view! {
                            <table class="table sessions">
                                <caption class="visually-hidden">"Your signed-in sessions"</caption>
                                <thead><tr>
                                    <th scope="col">"Device"</th><th scope="col">"Address"</th>
                                    <th scope="col">"Signed in"</th><th scope="col">"Last seen"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! {
                                        <tr>
                                            <th scope="row">{s.device.clone()}
                                                {s.current.then(|| view! { <span class="badge">" this device"</span> })}</th>
                                            <td>{s.ip.clone()}</td>
                                            <td>{s.created.clone()}</td>
                                            <td>{s.last_seen.clone()}</td>
                                            <td>
                                                {(!s.current).then(|| view! {
                                                    <form method="post" action=EndSession::url() class="inline-form">
                                                        <input type="hidden" name="id" value=s.id.clone()/>
                                                        <button type="submit" class="button-quiet danger">
                                                            "End"<span class="visually-hidden">" the session on " {s.device.clone()}</span>
                                                        </button>
                                                    </form>
                                                })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {(others > 0).then(|| view! {
                                <form method="post" action=EndOtherSessions::url() class="form form-inline">
                                    <button type="submit" class="button button-secondary">"End every other session"</button>
                                </form>
                            })}
                        }
                    })}
                </Suspense>
            </section>
            <section aria-labelledby="session-tokens-title" class="card">
                <h2 id="session-tokens-title">"API tokens"</h2>
                <p>"Integrations act as you with these; create and revoke them in " <a href="/settings#tokens">"your settings"</a> "."</p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let live: Vec<_> = tokens.await.unwrap_or_default().into_iter().filter(|t| !t.revoked).collect();
                        if live.is_empty() {
                            return view! { <p class="muted">"You have no tokens."</p> }.into_any();
                        }
                        view! {
                            <ul class="token-list">
                                {live.into_iter().map(|t| view! {
                                    <li><strong>{t.name.clone()}</strong> " (" <code>{t.prefix.clone()} "…"</code> ") · "
                                        {t.scopes.clone()} " · last used " {t.last_used_at.clone().unwrap_or_else(|| "never".into())}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Suspense>
            </section>
        </div>
    }
    .into_any()
}
