//! Webhooks for the admin pages: the endpoints, one endpoint's log, one delivery. The forms post to plain
//! routes of the server (`/admin/webhooks/…`, several checkboxes of one name), which redirect back here.

use leptos::server;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTypeView {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// Empty: every event type.
    pub event_types: Vec<String>,
    pub secret: String,
    pub previous_secret_until: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub include_emails: bool,
    pub failing_since: Option<String>,
    pub pending: i64,
    pub failed_last_day: i64,
    pub last_attempt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub endpoints: Vec<EndpointView>,
    pub event_types: Vec<EventTypeView>,
    pub schedule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub msg_id: String,
    pub event_type: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointPage {
    pub endpoint: EndpointView,
    pub event_types: Vec<EventTypeView>,
    pub deliveries: Vec<DeliveryView>,
    /// The `after` of the next (older) page.
    pub next: Option<i64>,
    pub schedule: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub at: String,
    pub duration_ms: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub response_body: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub endpoint_id: i64,
    pub endpoint_url: String,
    pub delivery: DeliveryView,
    pub payload: String,
    pub attempts: Vec<AttemptView>,
}

/// How the log shows a time: `Dec 1, 2026 16:52:54 UTC`.
#[cfg(feature = "ssr")]
fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%b %-d, %Y %H:%M:%S UTC").to_string()
}

#[cfg(feature = "ssr")]
fn event_types() -> Vec<EventTypeView> {
    domain::webhooks::EventType::SUBSCRIBABLE
        .iter()
        .map(|t| EventTypeView {
            name: t.as_str().to_owned(),
            description: t.description().to_owned(),
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn endpoint_view(
    e: domain::webhooks::Endpoint,
    stats: Option<&domain::webhooks::EndpointSummary>,
) -> EndpointView {
    EndpointView {
        id: e.id.0,
        url: e.url,
        description: e.description,
        event_types: e.event_types,
        secret: e.secret,
        previous_secret_until: e
            .previous_secret_until
            .filter(|t| *t > chrono::Utc::now())
            .map(at),
        active: e.active,
        disabled_reason: e.disabled_reason,
        include_emails: e.include_emails,
        failing_since: e.failing_since.map(at),
        pending: stats.map_or(0, |s| s.pending),
        failed_last_day: stats.map_or(0, |s| s.failed_last_day),
        last_attempt: stats.and_then(|s| s.last_attempt_at).map(at),
    }
}

#[cfg(feature = "ssr")]
fn delivery_view(d: domain::webhooks::Delivery) -> DeliveryView {
    DeliveryView {
        next_attempt: (d.state == "pending").then(|| at(d.next_attempt_at)),
        id: d.id.0,
        msg_id: d.msg_id,
        event_type: d.event_type,
        state: d.state,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        created: at(d.created_at),
    }
}

#[server(endpoint = "admin/webhooks")]
pub async fn webhook_overview() -> Result<Overview, AppError> {
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let list = domain::webhooks::list(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    Ok(Overview {
        endpoints: list
            .iter()
            .map(|s| endpoint_view(s.endpoint.clone(), Some(s)))
            .collect(),
        event_types: event_types(),
        schedule: domain::webhooks::schedule_in_words(),
    })
}

/// Deliveries per page of the log.
pub const LOG_PAGE: i64 = 25;

#[server(endpoint = "admin/webhook")]
pub async fn webhook_endpoint(id: i64, state: String, after: Option<i64>) -> Result<EndpointPage, AppError> {
    use domain::ids::{WebhookDeliveryId, WebhookId};
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let id = WebhookId(id);
    let list = domain::webhooks::list(&hearth, &actor)
        .await
        .map_err(ssr::to_app_error)?;
    let summary = list
        .into_iter()
        .find(|s| s.endpoint.id == id)
        .ok_or_else(|| ssr::to_app_error(domain::DomainError::NotFound("webhook endpoint")))?;
    let filter = domain::webhooks::DeliveryFilter::parse(&state).map_err(ssr::to_app_error)?;
    let rows = domain::webhooks::deliveries(
        &hearth,
        &actor,
        id,
        filter,
        after.map(WebhookDeliveryId),
        LOG_PAGE + 1,
    )
    .await
    .map_err(ssr::to_app_error)?;
    let more = rows.len() as i64 > LOG_PAGE;
    let deliveries: Vec<DeliveryView> = rows
        .into_iter()
        .take(LOG_PAGE as usize)
        .map(delivery_view)
        .collect();
    Ok(EndpointPage {
        next: if more {
            deliveries.last().map(|d| d.id)
        } else {
            None
        },
        endpoint: endpoint_view(summary.endpoint.clone(), Some(&summary)),
        event_types: event_types(),
        deliveries,
        schedule: domain::webhooks::schedule_in_words(),
    })
}

#[server(endpoint = "admin/webhook-delivery")]
pub async fn webhook_delivery(id: i64, delivery: i64) -> Result<DeliveryPage, AppError> {
    use domain::ids::{WebhookDeliveryId, WebhookId};
    let hearth = ssr::hearth()?;
    let actor = ssr::require_actor()?;
    let endpoint = domain::webhooks::get(&hearth, &actor, WebhookId(id))
        .await
        .map_err(ssr::to_app_error)?;
    let detail = domain::webhooks::delivery(&hearth, &actor, WebhookId(id), WebhookDeliveryId(delivery))
        .await
        .map_err(ssr::to_app_error)?;
    Ok(DeliveryPage {
        endpoint_id: id,
        endpoint_url: endpoint.url,
        delivery: delivery_view(detail.delivery),
        payload: serde_json::to_string_pretty(&detail.payload).unwrap_or_default(),
        attempts: detail
            .attempts
            .into_iter()
            .map(|a| AttemptView {
                at: at(a.attempted_at),
                duration_ms: a.duration_ms,
                status_code: a.status_code,
                error: a.error,
                response_body: a.response_body,
                outcome: a.outcome,
            })
            .collect(),
    })
}

/// The error a webhook form left in the page's URL (`?form=<name>&error=<JSON>`), with what was typed.
pub fn form_error(query: &leptos_router::params::ParamsMap, form: &str) -> Option<AppError> {
    if query.get_str("form")? != form {
        return None;
    }
    serde_json::from_str(query.get_str("error")?).ok()
}
