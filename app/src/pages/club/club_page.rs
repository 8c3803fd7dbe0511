use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::club::{ClubView, JoinClub, LeaveClub, SetDirectoryListing, club_overview};
use crate::api::url_error;
use crate::components::{FormErrors, PageTitle};

/// `/club`: join or leave, the member's tier, every tier with its perks, upcoming events.
#[component]
pub fn ClubPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| club_overview());
    let error = use_query_map().with_untracked(|q| {
        url_error::<JoinClub>(q)
            .or_else(|| url_error::<LeaveClub>(q))
            .or_else(|| url_error::<SetDirectoryListing>(q))
    });
    view! {
        <PageTitle text="Fan club"/>
        <div class="page club-page">
            <header class="page-header">
                <h1>"Fan club"</h1>
                <p class="muted">"Privileged access for our biggest fans: club-only spaces, events with limited seats, perks."</p>
            </header>
            <FormErrors error=Signal::stored(error)/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(club) => view! { <Club club=club/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Club(club: ClubView) -> impl IntoView {
    let joined_now = use_query_map().with_untracked(|q| q.get("joined").is_some());
    let membership = match (&club.member, club.signed_in) {
        (_, false) => view! {
            <section id="membership" class="card">
                <p><a href="/login?next=%2Fclub">"Log in"</a> " or " <a href="/signup">"sign up"</a> " to join the club."</p>
            </section>
        }.into_any(),
        (None, true) => view! {
            <section id="membership" class="card" aria-labelledby="join-title">
                <h2 id="join-title">"Join the club"</h2>
                <p>"Membership is free. Your tier grows with your reputation — what others found useful — and staff may grant one."</p>
                <form method="post" action=JoinClub::url()>
                    <button type="submit" class="button">"Join the fan club"</button>
                </form>
            </section>
        }.into_any(),
        (Some(m), true) => {
            let listed = m.in_directory;
            view! {
                <section id="membership" class="card" aria-labelledby="member-title">
                    <h2 id="member-title">"Your membership"</h2>
                    {joined_now.then(|| view! { <p class="notice" role="status">"Welcome to the club!"</p> })}
                    <p>
                        "Member since " {m.joined.clone()} " · tier "
                        <strong data-testid="club-tier">{m.tier.clone().unwrap_or_else(|| "none yet".to_owned())}</strong>
                        " · " {club.reputation} " reputation"
                        {m.granted.clone().map(|g| format!(" · {g} granted by staff"))}
                    </p>
                    <div class="button-row">
                        <form method="post" action=SetDirectoryListing::url() class="inline-form">
                            <input type="hidden" name="listed" value=if listed { "0" } else { "1" }/>
                            <button type="submit" class="button button-secondary">
                                {if listed { "Hide me from the member directory" } else { "List me in the member directory" }}
                            </button>
                        </form>
                        <a class="button button-secondary" href="/club/members">"Member directory"</a>
                        <form method="post" action=LeaveClub::url() class="inline-form">
                            <button type="submit" class="button button-secondary">"Leave the club"</button>
                        </form>
                    </div>
                </section>
            }.into_any()
        }
    };
    view! {
        {membership}
        <section aria-labelledby="events-title" class="club-events">
            <div class="section-header">
                <h2 id="events-title">"Upcoming events"</h2>
                {club.staff.then(|| view! { <a class="button" href="/club/events/new">"New event"</a> })}
            </div>
            {if club.events.is_empty() {
                view! { <p class="muted">"No events planned right now."</p> }.into_any()
            } else {
                view! {
                    <ul class="event-list">
                        {club.events.into_iter().map(|e| view! {
                            <li class="card event-item">
                                <h3><a href=format!("/events/{}", e.id)>{e.title.clone()}</a></h3>
                                <p class="muted">
                                    <time datetime=e.when_iso.clone()>{e.when.clone()}</time>
                                    {(!e.place.is_empty()).then(|| format!(" · {}", e.place))}
                                </p>
                                <p>{format!("{} of {} seats taken", e.going, e.capacity)}
                                    {(e.waitlisted > 0).then(|| format!(" · {} waiting", e.waitlisted))}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="tiers-title">
            <h2 id="tiers-title">"Tiers and perks"</h2>
            <p class="muted">"A tier is reached by reputation (see " <a href="/reputation">"how reputation works"</a> ") or granted by staff."</p>
            <ol class="tier-list">
                {club.tiers.into_iter().map(|t| view! {
                    <li class="card tier" class:tier-current=t.current>
                        <h3>{t.name.clone()} {t.current.then(|| view! { <span class="badge">"Your tier"</span> })}</h3>
                        <p class="muted">{format!("From {} reputation", t.min_reputation)}</p>
                        {(!t.description.is_empty()).then(|| view! { <p>{t.description.clone()}</p> })}
                        <ul class="perks">
                            {t.perks.into_iter().map(|p| view! {
                                <li>
                                    <strong>{p.title.clone()}</strong>
                                    {(!p.body.is_empty()).then(|| format!(" — {}", p.body))}
                                    {p.code.clone().map(|c| view! { " " <code class="perk-code">{c}</code> })}
                                    {p.link.clone().map(|l| view! { " " <a href=l rel="noopener">"Details"</a> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
