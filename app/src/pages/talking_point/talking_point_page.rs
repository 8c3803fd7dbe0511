//! `/talking-point`: what customers are talking about now. The live part is rendered on the server; the island
//! around it replaces it with a fresh rendering whenever the stream announces a new snapshot.

use leptos::prelude::*;

use crate::api::talking_point::talking_point_html;
use crate::components::{Notice, PageTitle};
use crate::pages::forums::data_error;
use crate::pages::query_param;

/// Keeps the server-rendered children current: on each `talking_point` event it fetches the new rendering and
/// puts it in their place. Without JavaScript the children are simply the page as rendered.
#[island]
pub fn LiveTalkingPoint(children: Children) -> impl IntoView {
    let node = NodeRef::<leptos::html::Div>::new();
    let (status, set_status) = signal(String::new());
    Effect::new(move |_| {
        crate::live::listen("/api/v1/stream?talking_point=true", move |kind, _| {
            if kind != "talking_point" {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(html) = talking_point_html().await
                    && let Some(el) = node.get_untracked()
                {
                    el.set_inner_html(&html);
                    set_status.set("Talking Point was updated.".into());
                }
            });
        });
    });
    view! {
        <div node_ref=node class="tp-live" data-testid="tp-live">{children()}</div>
        <p class="visually-hidden" role="status">{move || status.get()}</p>
    }
}

#[component]
pub fn TalkingPointPage() -> impl IntoView {
    let html = Resource::new_blocking(|| (), |_| talking_point_html());
    let done = query_param("done");
    view! {
        <PageTitle text="Talking Point"/>
        <div class="page talking-point">
            <h1>"Talking Point"</h1>
            <p class="lead">"What customers are talking about right now — here and elsewhere — and what the team says."</p>
            {done.map(|_| view! { <Notice>"Saved: visitors see the change now."</Notice> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match html.await {
                        Ok(html) => view! { <LiveTalkingPoint><div inner_html=html></div></LiveTalkingPoint> }.into_any(),
                        Err(e) => data_error(e),
                    }
                })}
            </Suspense>
            <details class="card how-it-works">
                <summary>"How this works"</summary>
                <p>"Every public post and every mention of the brand outside the community (social media, review sites, \
                    the support desk) is counted by the words, two-word phrases and products it names, hour by hour. \
                    Nothing from club-only or team-only categories, nothing held for review, hidden or deleted ever counts."</p>
                <p>"A theme appears when it was mentioned at least 3 times in the last 24 hours and at least 1.5 times its \
                    usual level: the average of the same 24 hours one to four weeks earlier, never taken below 2. The most \
                    surprising come first. The team can pin a theme with a note, hide one, and keep words out."</p>
                <p>"Hot conversations are ranked by (2 × distinct members replying + votes, both over the last 3 days) \
                    divided by (hours since the conversation started + 2) to the power 1.5."</p>
            </details>
        </div>
    }
}
