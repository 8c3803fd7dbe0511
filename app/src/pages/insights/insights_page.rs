//! `/insights/{report}`: a report for a period, rendered on the server (charts as SVG with the table of their
//! numbers); the period picker and filters are a plain GET form, so nothing here needs JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::insights::insights_html;
use crate::components::PageTitle;
use crate::pages::{login_required, query_param};

#[component]
pub fn InsightsPage() -> impl IntoView {
    let report = use_params_map()
        .with_untracked(|p| p.get("report"))
        .unwrap_or_else(|| "health".into());
    let q = |n: &str| query_param(n).unwrap_or_default();
    let args = (
        report,
        q("days"),
        q("from"),
        q("to"),
        q("product"),
        q("category"),
        q("palette"),
    );
    let html = Resource::new_blocking(
        move || args.clone(),
        |(r, d, f, t, p, c, pal)| insights_html(r, d, f, t, p, c, pal),
    );
    view! {
        <PageTitle text="Insights"/>
        <div class="page insights">
            <h1>"Insights"</h1>
            <p class="lead">"Is the community working? Answers, ideas, mood, the club and moderation, with the numbers behind every chart."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(e) if e.code == "unauthenticated" => login_required("/insights"),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <details class="card how-it-works">
                <summary>"How these numbers are made"</summary>
                <p>"Every report reads daily rollups (UTC days), computed every few minutes for today and once more after \
                    each day ends. Questions, ideas and detractor posts count on the day they were asked, created or \
                    written, with what became of them since; votes, joins, flags and decisions on the day they happened."</p>
                <p>"Active members posted, commented, voted or flagged that day; monthly active ones did so in the 30 days \
                    up to the period's end. A detractor post is a clearly negative one the staff inbox picked up. \
                    Medians and 90th percentiles are exact: each day keeps every duration behind them."</p>
                <p>"Content of every category counts, restricted ones included; no report names a member."</p>
            </details>
        </div>
    }
}
