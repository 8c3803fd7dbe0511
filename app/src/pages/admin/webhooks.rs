//! `/admin/webhooks`: the endpoints that tell the company's systems what happens, each with its signing
//! secret, its events and its delivery log. Server-rendered; every form is a plain post to the server's
//! `/admin/webhooks/…` routes, which redirect back with what happened.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::webhooks::{
    DeliveryView, EndpointView, EventTypeView, form_error, webhook_delivery, webhook_endpoint,
    webhook_overview,
};
use crate::components::{CheckboxField, Field, FormErrors, Notice, PageTitle};
use crate::model::{AppError, PageCtx};
use crate::pages::query_param;

fn not_admin() -> AnyView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(actix_web::http::StatusCode::FORBIDDEN);
    view! {
        <PageTitle text="Not allowed"/>
        <div class="page narrow">
            <h1>"Not allowed"</h1>
            <p>"Only administrators can manage webhooks."</p>
        </div>
    }
    .into_any()
}

fn failed(e: AppError) -> AnyView {
    view! {
        <div class="page narrow">
            <h1>"Webhooks"</h1>
            <div class="form-errors" role="alert"><p><strong>{e.message}</strong></p></div>
            <p><a href="/admin/webhooks">"Back to the webhooks"</a></p>
        </div>
    }
    .into_any()
}

fn saved_notice() -> Option<AnyView> {
    let text = match query_param("saved")?.as_str() {
        "created" => {
            "The endpoint is saved. Configure your receiver with its signing secret below, then send a test event."
        }
        "updated" => "The endpoint is saved.",
        "rotated" => "A new signing secret is in use; the previous one keeps signing beside it for 24 hours.",
        "test" => "A test event is queued; it appears in the delivery log below within seconds.",
        "deleted" => "The endpoint, its queue and its log are removed.",
        "retry" => "The delivery is queued to be sent again, with the same webhook-id.",
        _ => "Saved.",
    };
    Some(view! { <Notice>{text}</Notice> }.into_any())
}

/// The fields of an endpoint (new or existing), with the errors and values a failed post left.
#[component]
fn EndpointFields(
    event_types: Vec<EventTypeView>,
    endpoint: Option<EndpointView>,
    error: Option<AppError>,
) -> impl IntoView {
    let value = |name: &str, current: String| error.as_ref().and_then(|e| e.value(name)).unwrap_or(current);
    let field = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let chosen: Vec<String> = match error.as_ref().and_then(|e| e.value("event_types")) {
        Some(list) => list
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => endpoint
            .as_ref()
            .map(|e| e.event_types.clone())
            .unwrap_or_default(),
    };
    let flag = |name: &str, current: bool| match error.as_ref().and_then(|e| e.value(name)) {
        Some(v) => v == "on",
        None => current,
    };
    let all = chosen.is_empty();
    let types_error = field("event_types");
    let types_invalid = types_error.is_some();
    let id_suffix = endpoint.as_ref().map_or("new".to_owned(), |e| e.id.to_string());
    let legend_id = format!("types-{id_suffix}");
    view! {
        <Field name="url" label="Receiver URL" required=true maxlength=2000 input_type="url"
            hint="https:// on a public address. Payloads are POSTed as JSON and signed (Standard Webhooks)."
            value=value("url", endpoint.as_ref().map(|e| e.url.clone()).unwrap_or_default()) error=field("url")/>
        <Field name="description" label="Description" maxlength=500
            hint="What receives these events, e.g. “CRM: new members and questions”."
            value=value("description", endpoint.as_ref().map(|e| e.description.clone()).unwrap_or_default())
            error=field("description")/>
        <fieldset class="field event-types" aria-describedby=format!("{legend_id}-hint")
            class:field-invalid=types_invalid>
            <legend>"Events"</legend>
            <p class="field-hint" id=format!("{legend_id}-hint")>"Tick none to receive every event, including types added later."</p>
            {types_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <ul class="check-list">
                {event_types.into_iter().map(|t| {
                    let on = !all && chosen.contains(&t.name);
                    let id = format!("ev-{id_suffix}-{}", t.name.replace('.', "-"));
                    view! {
                        <li>
                            <input type="checkbox" id=id.clone() name="event_types" value=t.name.clone() checked=on/>
                            <label for=id><code>{t.name.clone()}</code> " — " {t.description.clone()}</label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </fieldset>
        <CheckboxField name="include_emails" checked=flag("include_emails", endpoint.as_ref().is_some_and(|e| e.include_emails))>
            "Include members' e-mail addresses (otherwise payloads name members by id and username only)"
        </CheckboxField>
        {endpoint.as_ref().map(|e| view! {
            <CheckboxField name="active" checked=flag("active", e.active)>
                "Active (turning it on again clears why it was disabled)"
            </CheckboxField>
        })}
    }
}

fn state_label(d: &DeliveryView) -> String {
    match d.state.as_str() {
        "pending" if d.attempts == 0 => "waiting".to_owned(),
        "pending" => format!("retrying (attempt {} failed)", d.attempts),
        "delivered" => "delivered".to_owned(),
        "failed" => "given up".to_owned(),
        other => other.to_owned(),
    }
}

/// `/admin/webhooks`: every endpoint and the form to add one.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let Some(viewer) = ctx.viewer.clone() else {
        return crate::pages::login_required("/admin/webhooks");
    };
    if !viewer.has_role("admin") {
        return not_admin();
    }
    let error = use_query_map().with_untracked(|q| form_error(q, "create"));
    let overview = Resource::new_blocking(|| (), |_| webhook_overview());
    view! {
        <PageTitle text="Webhooks"/>
        <div class="page admin-page webhooks-page">
            <p class="breadcrumbs"><a href="/admin">"Administration"</a> " › Webhooks"</p>
            <h1>"Webhooks"</h1>
            {saved_notice()}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let overview = match overview.await {
                        Ok(o) => o,
                        Err(e) => return failed(e),
                    };
                    view! {
                        <p>"Tell your CRM, support desk and product tools what happens in the community. Each event is POSTed as JSON "
                           <code>"{\"type\", \"timestamp\", \"data\"}"</code>
                           " and signed by the " <a href="https://www.standardwebhooks.com/">"Standard Webhooks"</a>
                           " specification: headers " <code>"webhook-id"</code> " (the same on every retry), "
                           <code>"webhook-timestamp"</code> " and " <code>"webhook-signature"</code> ". Events to one endpoint arrive one at a time, in the order they happened. A failed delivery is tried again "
                           {overview.schedule.clone()} "; an endpoint that answers 410 Gone, or fails for 3 days, is disabled and the admins are e-mailed."</p>
                        <section aria-labelledby="endpoints-title" class="card">
                            <h2 id="endpoints-title">"Endpoints"</h2>
                            {if overview.endpoints.is_empty() {
                                view! { <p class="muted">"No endpoints yet."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-scroll" role="region" aria-label="Endpoints table" tabindex="0">
                                    <table class="data-table">
                                        <thead><tr>
                                            <th scope="col">"Receiver"</th><th scope="col">"Events"</th>
                                            <th scope="col">"State"</th><th scope="col">"Waiting"</th>
                                            <th scope="col">"Given up (24 h)"</th><th scope="col">"Last attempt"</th>
                                        </tr></thead>
                                        <tbody>
                                        {overview.endpoints.into_iter().map(|e| view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("/admin/webhooks/{}", e.id)>{e.url.clone()}</a>
                                                    {(!e.description.is_empty()).then(|| view! { <br/><span class="muted">{e.description.clone()}</span> })}
                                                </th>
                                                <td>{if e.event_types.is_empty() { "all".to_owned() } else { e.event_types.join(", ") }}</td>
                                                <td>{if e.active { "active".to_owned() } else { format!("disabled{}", e.disabled_reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()) }}</td>
                                                <td>{e.pending}</td>
                                                <td>{e.failed_last_day}</td>
                                                <td>{e.last_attempt.clone().unwrap_or_else(|| "never".into())}</td>
                                            </tr>
                                        }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="add-title" class="card">
                            <h2 id="add-title">"Add an endpoint"</h2>
                            <form method="post" action="/admin/webhooks/new" class="form">
                                <FormErrors error=Signal::stored(error.clone())/>
                                <EndpointFields event_types=overview.event_types.clone() endpoint=None error=error.clone()/>
                                <button type="submit" class="button">"Add endpoint"</button>
                            </form>
                        </section>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}

/// `/admin/webhooks/:id`: one endpoint, its secret, its settings and its delivery log.
#[component]
pub fn WebhookPage() -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let Some(viewer) = ctx.viewer.clone() else {
        return crate::pages::login_required("/admin/webhooks");
    };
    if !viewer.has_role("admin") {
        return not_admin();
    }
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return failed(AppError::new("not_found", "There is no such endpoint."));
    };
    let error = use_query_map().with_untracked(|q| form_error(q, "update"));
    let state = query_param("state").unwrap_or_default();
    let after = query_param("after").and_then(|a| a.parse::<i64>().ok());
    let filter = state.clone();
    let page = Resource::new_blocking(
        move || (filter.clone(), after),
        move |(s, a)| webhook_endpoint(id, s, a),
    );
    view! {
        <PageTitle text="Webhook endpoint"/>
        <div class="page admin-page webhooks-page">
            <p class="breadcrumbs"><a href="/admin">"Administration"</a> " › " <a href="/admin/webhooks">"Webhooks"</a> " › Endpoint"</p>
            {saved_notice()}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    let state = state.clone();
                    Suspend::new(async move {
                    let page = match page.await {
                        Ok(p) => p,
                        Err(e) => return failed(e),
                    };
                    let e = page.endpoint.clone();
                    let action = |what: &str| format!("/admin/webhooks/{}/{what}", e.id);
                    view! {
                        <h1>"Endpoint " <span class="url-title">{e.url.clone()}</span></h1>
                        {(!e.active).then(|| view! {
                            <div class="notice notice-warning" role="status">
                                <p><strong>"Disabled. "</strong>{e.disabled_reason.clone().unwrap_or_else(|| "Turned off by an admin.".into())}
                                   " Nothing new is queued for it until it is active again."</p>
                            </div>
                        })}
                        {e.failing_since.clone().map(|since| view! {
                            <p class="notice notice-warning" role="status">"Failing since " {since} "."</p>
                        })}
                        <section aria-labelledby="secret-title" class="card">
                            <h2 id="secret-title">"Signing secret"</h2>
                            <p>"Verify the " <code>"webhook-signature"</code> " header with this secret and a Standard Webhooks library (they exist for most languages)."</p>
                            <details>
                                <summary>"Show the secret"</summary>
                                <p><code class="secret" id="webhook-secret">{e.secret.clone()}</code></p>
                            </details>
                            {e.previous_secret_until.clone().map(|until| view! {
                                <p>"The previous secret keeps signing beside it until " {until} "."</p>
                            })}
                            <form method="post" action=action("rotate") class="form form-inline">
                                <button type="submit" class="button button-secondary">"Rotate the secret"</button>
                            </form>
                        </section>
                        <section aria-labelledby="test-title" class="card">
                            <h2 id="test-title">"Test"</h2>
                            <p>"Queues a " <code>"webhook.test"</code> " event for this endpoint alone (it waits behind the endpoint's queue)."</p>
                            <form method="post" action=action("test") class="form form-inline">
                                <button type="submit" class="button">"Send a test event"</button>
                            </form>
                        </section>
                        <section aria-labelledby="log-title" class="card">
                            <h2 id="log-title">"Delivery log"</h2>
                            <p>"Every delivery of the last 30 days, newest first. " {e.pending} " waiting."</p>
                            <form method="get" action=format!("/admin/webhooks/{}", e.id) class="form form-inline">
                                <div class="field">
                                    <label for="f-state">"Show"</label>
                                    <select id="f-state" name="state">
                                        {[("", "all"), ("pending", "waiting or retrying"), ("delivered", "delivered"), ("failed", "given up")]
                                            .into_iter().map(|(v, l)| view! { <option value=v selected=state == v>{l}</option> }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="button button-secondary">"Filter"</button>
                            </form>
                            {if page.deliveries.is_empty() {
                                view! { <p class="muted">"No deliveries."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-scroll" role="region" aria-label="Delivery log table" tabindex="0">
                                    <table class="data-table delivery-log">
                                        <thead><tr>
                                            <th scope="col">"Event"</th><th scope="col">"State"</th><th scope="col">"Attempts"</th>
                                            <th scope="col">"Last answer"</th><th scope="col">"Queued"</th><th scope="col">"Next attempt"</th>
                                        </tr></thead>
                                        <tbody>
                                        {page.deliveries.iter().map(|d| view! {
                                            <tr>
                                                <th scope="row"><a href=format!("/admin/webhooks/{}/deliveries/{}", e.id, d.id)>{d.event_type.clone()}</a>
                                                    <br/><code class="muted">{d.msg_id.clone()}</code></th>
                                                <td>{state_label(d)}</td>
                                                <td>{d.attempts}</td>
                                                <td>{match (d.last_status, &d.last_error) {
                                                    (Some(code), _) if (200..300).contains(&code) => format!("HTTP {code}"),
                                                    (_, Some(err)) => err.clone(),
                                                    (Some(code), None) => format!("HTTP {code}"),
                                                    (None, None) => "—".into(),
                                                }}</td>
                                                <td>{d.created.clone()}</td>
                                                <td>{d.next_attempt.clone().unwrap_or_else(|| "—".into())}</td>
                                            </tr>
                                        }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                }.into_any()
                            }}
                            {page.next.map(|next| view! {
                                <p><a href=format!("/admin/webhooks/{}?state={}&after={next}", e.id, state)>"Older deliveries"</a></p>
                            })}
                        </section>
                        <section aria-labelledby="settings-title" class="card">
                            <h2 id="settings-title">"Settings"</h2>
                            <form method="post" action=action("save") class="form">
                                <FormErrors error=Signal::stored(error.clone())/>
                                <EndpointFields event_types=page.event_types.clone() endpoint=Some(e.clone()) error=error.clone()/>
                                <button type="submit" class="button">"Save endpoint"</button>
                            </form>
                            <form method="post" action=action("delete") class="form form-inline">
                                <button type="submit" class="button button-danger">"Remove this endpoint"</button>
                            </form>
                        </section>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}

/// `/admin/webhooks/:id/deliveries/:delivery`: one delivery, its payload and every attempt.
#[component]
pub fn WebhookDeliveryPage() -> impl IntoView {
    let ctx = use_context::<PageCtx>().unwrap_or_default();
    let Some(viewer) = ctx.viewer.clone() else {
        return crate::pages::login_required("/admin/webhooks");
    };
    if !viewer.has_role("admin") {
        return not_admin();
    }
    let ids = use_params_map().with_untracked(|p| {
        Some((
            p.get("id")?.parse::<i64>().ok()?,
            p.get("delivery")?.parse::<i64>().ok()?,
        ))
    });
    let Some((id, delivery)) = ids else {
        return failed(AppError::new("not_found", "There is no such delivery."));
    };
    let error = query_param("error_message");
    let page = Resource::new_blocking(move || (), move |_| webhook_delivery(id, delivery));
    view! {
        <PageTitle text="Webhook delivery"/>
        <div class="page admin-page webhooks-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                    let page = match page.await {
                        Ok(p) => p,
                        Err(e) => return failed(e),
                    };
                    let d = page.delivery.clone();
                    view! {
                        <p class="breadcrumbs"><a href="/admin">"Administration"</a> " › " <a href="/admin/webhooks">"Webhooks"</a>
                            " › " <a href=format!("/admin/webhooks/{}", page.endpoint_id)>{page.endpoint_url.clone()}</a> " › Delivery"</p>
                        <h1>"Delivery of " <code>{d.event_type.clone()}</code></h1>
                        {saved_notice()}
                        {error.map(|m| view! { <div class="form-errors" role="alert"><p><strong>{m}</strong></p></div> })}
                        <dl class="facts">
                            <dt>"webhook-id"</dt><dd><code>{d.msg_id.clone()}</code></dd>
                            <dt>"State"</dt><dd>{state_label(&d)}</dd>
                            <dt>"Queued"</dt><dd>{d.created.clone()}</dd>
                            {d.next_attempt.clone().map(|n| view! { <dt>"Next attempt"</dt><dd>{n}</dd> })}
                        </dl>
                        <form method="post" action=format!("/admin/webhooks/{}/deliveries/{}/retry", page.endpoint_id, d.id) class="form form-inline">
                            <button type="submit" class="button">"Send again"</button>
                        </form>
                        <section aria-labelledby="attempts-title" class="card">
                            <h2 id="attempts-title">"Attempts"</h2>
                            {if page.attempts.is_empty() {
                                view! { <p class="muted">"Not tried yet."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-scroll" role="region" aria-label="Attempts table" tabindex="0">
                                    <table class="data-table attempts">
                                        <thead><tr>
                                            <th scope="col">"When"</th><th scope="col">"Outcome"</th><th scope="col">"Status"</th>
                                            <th scope="col">"Duration"</th><th scope="col">"Answer (first 2 KB)"</th>
                                        </tr></thead>
                                        <tbody>
                                        {page.attempts.into_iter().map(|a| view! {
                                            <tr>
                                                <th scope="row">{a.at}</th>
                                                <td>{a.outcome}</td>
                                                <td>{a.status_code.map(|c| c.to_string()).or(a.error.clone()).unwrap_or_default()}
                                                    {a.status_code.and(a.error).map(|e| view! { <br/><span class="muted">{e}</span> })}</td>
                                                <td>{format!("{} ms", a.duration_ms)}</td>
                                                <td><pre class="response-body">{a.response_body}</pre></td>
                                            </tr>
                                        }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="payload-title" class="card">
                            <h2 id="payload-title">"Payload"</h2>
                            <pre class="payload" tabindex="0" aria-labelledby="payload-title">{page.payload}</pre>
                        </section>
                    }.into_any()
                })}}
            </Suspense>
        </div>
    }
    .into_any()
}
