//! `/staff/mentions`: every mention from outside the community, filterable, with hide and publish, and the
//! ignored terms of Talking Point (staff).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::talking_point::{MentionAction, SetIgnored, mentions_html};
use crate::api::url_error;
use crate::components::{FormErrors, Notice, PageTitle};
use crate::pages::{login_required, query_param};

const SENTIMENTS: [(&str, &str); 4] = [
    ("", "Any"),
    ("positive", "Positive"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
];
const STATUSES: [(&str, &str); 4] = [
    ("", "Any"),
    ("published", "Published"),
    ("pending", "Held"),
    ("hidden", "Hidden"),
];

#[component]
pub fn MentionsPage() -> impl IntoView {
    let q = |n: &str| query_param(n).unwrap_or_default();
    let (source, sentiment, theme, status, after) =
        (q("source"), q("sentiment"), q("theme"), q("status"), q("after"));
    let args = (
        source.clone(),
        sentiment.clone(),
        theme.clone(),
        status.clone(),
        after,
    );
    let html = Resource::new_blocking(
        move || args.clone(),
        |(a, b, c, d, e)| mentions_html(a, b, c, d, e),
    );
    let action_error = use_query_map().with_untracked(url_error::<MentionAction>);
    let ignored_error = use_query_map().with_untracked(url_error::<SetIgnored>);
    let done = query_param("done");
    let select = |name: &'static str,
                  label: &'static str,
                  options: &'static [(&'static str, &'static str)],
                  chosen: String| {
        let id = format!("filter-{name}");
        view! {
            <p class="field-inline">
                <label for=id.clone()>{label}</label>
                <select id=id name=name>
                    {options.iter().map(|(v, l)| view! { <option value=*v selected=*v == chosen.as_str()>{*l}</option> }).collect_view()}
                </select>
            </p>
        }
    };
    view! {
        <PageTitle text="Mentions"/>
        <div class="page mod-page">
            <h1>"Mentions from outside the community"</h1>
            <p class="muted">"Sent by the social listening tool, review sites and the support desk through "
                <code>"POST /api/v1/mentions"</code> ". Published ones count toward "<a href="/talking-point">"Talking Point"</a>"."</p>
            {done.map(|d| view! { <Notice>{if d == "ignored" { "The ignored terms were saved." } else { "Done." }}</Notice> })}
            <FormErrors error=Signal::stored(action_error)/>
            <FormErrors error=Signal::stored(ignored_error)/>
            <form method="get" action="/staff/mentions" class="filters" aria-label="Filter the mentions">
                <p class="field-inline">
                    <label for="filter-source">"Source"</label>
                    <input id="filter-source" type="text" name="source" value=source maxlength="30"/>
                </p>
                {select("sentiment", "Sentiment", &SENTIMENTS, sentiment)}
                <p class="field-inline">
                    <label for="filter-theme">"Theme"</label>
                    <input id="filter-theme" type="text" name="theme" value=theme maxlength="80"/>
                </p>
                {select("status", "Status", &STATUSES, status)}
                <button type="submit" class="button button-secondary">"Filter"</button>
            </form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/staff/mentions"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
