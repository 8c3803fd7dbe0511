use leptos::prelude::*;

use super::forums::LatestTopics;
use super::query_param;
use crate::api::forums::categories;
use crate::components::{Notice, PageTitle};
use crate::model::PageCtx;

/// A capability on the front door: title, lead, and where it lives (address, link text) once it exists.
type HomeSection = (&'static str, &'static str, Option<(&'static str, &'static str)>);

/// The front door: what this community is, and the places that later capabilities fill.
#[component]
pub fn HomePage() -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let brand = ctx.brand.clone();
    let verified = query_param("verified").is_some();
    let cats = Resource::new_blocking(|| (), |_| categories());
    // (title, lead, link, link text)
    let sections: [HomeSection; 3] = [
        (
            "Anybody experience with …?",
            "Ask the people who actually own the product, and get answers from real users.",
            Some(("/questions", "Browse and ask questions")),
        ),
        (
            "Ideas",
            "Propose what we should build next, vote, and hear back when it ships.",
            Some(("/ideas", "Vote on ideas")),
        ),
        (
            "Fan club",
            "Early access, events with limited seats, perks and badges for our biggest fans.",
            Some(("/club", "Join the fan club")),
        ),
    ];
    view! {
        <PageTitle text=""/>
        <div class="page home-page">
            {verified.then(|| view! { <Notice>"Your e-mail address is confirmed. Welcome!"</Notice> })}
            <section class="hero" aria-labelledby="hero-title">
                <h1 id="hero-title">"Welcome to the " {brand.name.clone()} " community"</h1>
                {(!brand.tagline.is_empty()).then(|| view! { <p class="hero-tagline">{brand.tagline.clone()}</p> })}
                {match &ctx.viewer {
                    Some(v) => view! {
                        <p>"Good to see you, " <a href=format!("/u/{}", v.username)>{v.name().to_owned()}</a> "."</p>
                    }.into_any(),
                    None => view! {
                        <p class="hero-actions">
                            <a class="button" href="/signup">"Join the community"</a>
                            <a class="button button-secondary" href="/login">"Log in"</a>
                        </p>
                    }.into_any(),
                }}
            </section>
            <div class="home-forums">
                <section aria-labelledby="latest-title" class="home-latest">
                    <h2 id="latest-title">"Latest discussions"</h2>
                    <LatestTopics/>
                </section>
                <section aria-labelledby="categories-title" class="home-categories">
                    <h2 id="categories-title">"Categories"</h2>
                    <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            let cats = cats.await.unwrap_or_default();
                            view! {
                                <ul class="category-list">
                                    {cats.into_iter().map(|c| view! {
                                        <li class="category-card" style=format!("--pill:{}", c.color)>
                                            <a href=format!("/c/{}", c.slug)>{c.name.clone()}</a>
                                            <p class="muted">{crate::pages::count(c.topic_count as i64, "topic", "topics")} " · " {crate::pages::count(c.post_count as i64, "post", "posts")}</p>
                                            {(!c.description.is_empty()).then(|| view! { <p>{c.description.clone()}</p> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }
                        })}
                    </Suspense>
                    {ctx.viewer.is_some().then(|| view! { <p><a class="button" href="/new-topic">"Start a topic"</a></p> })}
                </section>
            </div>
            <div class="home-sections">
                {sections.into_iter().map(|(title, lead, link)| view! {
                    <section class="card home-section">
                        <h2>{title}</h2>
                        <p>{lead}</p>
                        {match link {
                            Some((href, text)) => view! { <p><a href=href>{text}</a></p> }.into_any(),
                            None => view! { <p class="muted">"The club opens here soon."</p> }.into_any(),
                        }}
                    </section>
                }).collect_view()}
            </div>
        </div>
    }
}
