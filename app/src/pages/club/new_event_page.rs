use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::club::{CreateEvent, tier_choices};
use crate::api::url_error;
use crate::components::{Field, FormErrors, PageTitle, TextAreaField};
use crate::model::PageCtx;
use crate::pages::forums::data_error;

/// `/club/events/new`: staff create an event (times in UTC).
#[component]
pub fn NewEventPage() -> impl IntoView {
    let ctx = use_context::<PageCtx>();
    let Some(viewer) = ctx.and_then(|c| c.viewer) else {
        return crate::pages::login_required("/club/events/new");
    };
    if !viewer.has_role("staff") {
        return view! {
            <div class="page narrow"><h1>"New event"</h1><p>"Only staff create events."</p></div>
        }
        .into_any();
    }
    let error = use_query_map().with_untracked(url_error::<CreateEvent>);
    let tiers = Resource::new_blocking(|| (), |_| tier_choices());
    view! {
        <PageTitle text="New event"/>
        <div class="page narrow">
            <h1>"New event"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        let tiers = match tiers.await {
                            Ok(t) => t,
                            Err(e) => return data_error(e),
                        };
                        let value = |name: &str| error.as_ref().and_then(|e| e.value(name)).unwrap_or_default();
                        let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
                        let select = |name: &'static str, label: &'static str, none: &'static str| {
                            let chosen = value(name);
                            let problem = field(name);
                            let id = format!("f-event[{name}]");
                            view! {
                                <div class="field" class:field-invalid=problem.is_some()>
                                    <label for=id.clone()>{label}</label>
                                    <select id=id.clone() name=format!("event[{name}]")
                                        aria-describedby=format!("{id}-error") aria-invalid=problem.is_some().then_some("true")>
                                        <option value="">{none}</option>
                                        {tiers.iter().map(|(slug, tier)| view! {
                                            <option value=slug.clone() selected=chosen == *slug>{tier.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                    <p class="field-error" id=format!("{id}-error")>{problem.clone()}</p>
                                </div>
                            }
                        };
                        view! {
                            <form method="post" action=CreateEvent::url() class="form">
                                <FormErrors error=Signal::stored(error.clone())/>
                                <Field name="event[title]" label="Title" value=value("title") required=true error=field("title")/>
                                <TextAreaField name="event[description]" label="Description (Markdown)" value=value("description") error=field("description")/>
                                <Field name="event[place]" label="Place" value=value("place") error=field("place")/>
                                <Field name="event[link]" label="Link (optional)" input_type="url" value=value("link") error=field("link")/>
                                <Field name="event[starts_at]" label="Starts (UTC)" input_type="datetime-local" value=value("starts_at") required=true error=field("starts_at")/>
                                <Field name="event[ends_at]" label="Ends (UTC, optional)" input_type="datetime-local" value=value("ends_at") hint="Two hours after the start when left empty." error=field("ends_at")/>
                                <Field name="event[capacity]" label="Seats" input_type="number" value=value("capacity") required=true error=field("capacity")/>
                                {select("min_tier", "Open to", "Every club member")}
                                {select("early_tier", "Early access for", "No early access")}
                                <Field name="event[early_until]" label="Early access until (UTC)" input_type="datetime-local" value=value("early_until") error=field("early_until")/>
                                <button type="submit" class="button">"Create event"</button>
                            </form>
                        }.into_any()
                    })
                }}
            </Suspense>
        </div>
    }
    .into_any()
}
