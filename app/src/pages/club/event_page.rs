use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use crate::api::club::{EventInfo, RsvpEvent, event};
use crate::api::url_error;
use crate::components::{FormErrors, PageTitle};
use crate::pages::forums::data_error;
use crate::pages::not_found_page::NotFoundPage;

/// `/events/:id`: an event with its seats, the viewer's RSVP (or place in line) and a calendar file.
#[component]
pub fn EventPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <NotFoundPage/> }.into_any();
    };
    let data = Resource::new_blocking(move || id, event);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(e)) => view! { <Event event=e/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(e) => data_error(e),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Event(event: EventInfo) -> impl IntoView {
    let e = event;
    let error = use_query_map().with_untracked(url_error::<RsvpEvent>);
    let seats_left = (e.capacity - e.going).max(0);
    let rsvp = match (e.rsvp.as_deref(), &e.blocked, e.signed_in) {
        (Some(status), _, _) => {
            let text = if status == "going" {
                "You are going.".to_owned()
            } else {
                format!("You are on the waitlist, number {} in line.", e.position.unwrap_or(0))
            };
            view! {
                <p class="rsvp-status" data-testid="rsvp-status"><strong>{text}</strong></p>
                {(!e.ended).then(|| view! {
                    <form method="post" action=RsvpEvent::url() class="inline-form">
                        <input type="hidden" name="event_id" value=e.id.to_string()/>
                        <input type="hidden" name="on" value="0"/>
                        <button type="submit" class="button button-secondary">
                            {if status == "going" { "Cancel my RSVP" } else { "Leave the waitlist" }}
                        </button>
                    </form>
                })}
            }.into_any()
        }
        (None, Some(why), false) => view! {
            <p>{why.clone()} " " <a href=format!("/login?next=%2Fevents%2F{}", e.id)>"Log in"</a></p>
        }.into_any(),
        (None, Some(why), true) => view! {
            <p class="muted">{why.clone()}</p>
            {why.contains("Join the club").then(|| view! { <p><a class="button" href="/club">"Join the fan club"</a></p> })}
        }.into_any(),
        (None, None, _) => view! {
            <form method="post" action=RsvpEvent::url() class="inline-form">
                <input type="hidden" name="event_id" value=e.id.to_string()/>
                <input type="hidden" name="on" value="1"/>
                <button type="submit" class="button">
                    {if seats_left > 0 { "RSVP — I'm going" } else { "Join the waitlist" }}
                </button>
            </form>
        }.into_any(),
    };
    view! {
        <PageTitle text=e.title.clone()/>
        <div class="page narrow event-page">
            <p class="breadcrumbs"><a href="/club">"Fan club"</a> " › Events"</p>
            <h1>{e.title.clone()}</h1>
            <dl class="event-facts">
                <dt>"When"</dt>
                <dd><time datetime=e.starts_iso.clone()>{e.when.clone()}</time> " – " <time datetime=e.ends_iso.clone()>{e.ends.clone()}</time></dd>
                {(!e.place.is_empty()).then(|| view! { <dt>"Where"</dt><dd>{e.place.clone()}</dd> })}
                {e.link.clone().map(|l| { let text = l.clone(); view! { <dt>"Link"</dt><dd><a href=l rel="noopener nofollow">{text}</a></dd> } })}
                <dt>"Seats"</dt>
                <dd data-testid="seats">{format!("{} of {} taken", e.going, e.capacity)}
                    {(e.waitlisted > 0).then(|| format!(" · {} on the waitlist", e.waitlisted))}</dd>
                {e.min_tier.clone().map(|t| view! { <dt>"Open to"</dt><dd>{format!("{t} members and above")}</dd> })}
                {e.early.clone().map(|(tier, until)| view! {
                    <dt>"Early access"</dt><dd>{format!("Until {until}, only {tier} members and above may RSVP.")}</dd>
                })}
            </dl>
            <section id="rsvp" class="card" aria-label="Your RSVP">
                <FormErrors error=Signal::stored(error)/>
                {if e.ended { view! { <p class="muted">"This event has ended."</p> }.into_any() } else { rsvp }}
                <p><a href=format!("/api/v1/events/{}/ics", e.id) download=format!("event-{}.ics", e.id)>"Add to calendar (.ics)"</a></p>
            </section>
            <div class="prose" inner_html=e.description_html.clone()></div>
            {e.guests.clone().map(|guests| view! {
                <section aria-labelledby="guests-title">
                    <h2 id="guests-title">"Guest list (staff)"</h2>
                    <ol class="guest-list">
                        {guests.into_iter().map(|(u, s)| view! {
                            <li><a href=format!("/u/{u}")>{u.clone()}</a> " — " {s}</li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
        </div>
    }
}
