//! Webhooks over the API (admins; tokens need the `admin` scope): endpoints, their secrets, the delivery log,
//! "send again" and test events. Deliveries are signed by the Standard Webhooks specification.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::ids::{WebhookDeliveryId, WebhookId};
use domain::webhooks::{self, DeliveryFilter, EndpointInput, EventType};
use domain::{DomainError, Hearth};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeResponse {
    /// e.g. `topic.created`
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypesResponse {
    pub items: Vec<EventTypeResponse>,
    /// When a failed delivery is tried again.
    pub retry_schedule: String,
    /// The waits after each failed attempt, in seconds.
    pub retry_schedule_seconds: Vec<u64>,
}

/// The event types an endpoint can subscribe to, and the published retry schedule.
#[utoipa::path(get, path = "/api/v1/webhooks/event-types", tag = "webhooks",
    responses((status = 200, body = EventTypesResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn event_types(caller: Caller) -> ApiResult<HttpResponse> {
    caller.actor()?.require_admin()?;
    Ok(HttpResponse::Ok().json(EventTypesResponse {
        items: EventType::SUBSCRIBABLE
            .iter()
            .map(|t| EventTypeResponse {
                name: t.as_str().to_owned(),
                description: t.description().to_owned(),
            })
            .collect(),
        retry_schedule: webhooks::schedule_in_words(),
        retry_schedule_seconds: webhooks::RETRY_SCHEDULE_SECONDS.to_vec(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointResponse {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// Empty: every event type.
    pub event_types: Vec<String>,
    /// `whsec_…`: verify the `webhook-signature` header with it.
    pub secret: String,
    /// After a rotation the previous secret signs too, until then.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub active: bool,
    /// Why the endpoint was disabled (410 Gone, three days of failures), when it was.
    pub disabled_reason: Option<String>,
    /// Whether payloads carry members' e-mail addresses.
    pub include_emails: bool,
    /// Failing since then without a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// Deliveries waiting (only with the list).
    pub pending: Option<i64>,
    /// Deliveries given up in the last day (only with the list).
    pub failed_last_day: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub url_admin: String,
}

fn endpoint(e: webhooks::Endpoint, stats: Option<(i64, i64)>) -> EndpointResponse {
    EndpointResponse {
        url_admin: format!("/admin/webhooks/{}", e.id),
        id: e.id.0,
        url: e.url,
        description: e.description,
        event_types: e.event_types,
        secret: e.secret,
        previous_secret_until: e.previous_secret_until,
        active: e.active,
        disabled_reason: e.disabled_reason,
        include_emails: e.include_emails,
        failing_since: e.failing_since,
        pending: stats.map(|s| s.0),
        failed_last_day: stats.map(|s| s.1),
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointListResponse {
    pub items: Vec<EndpointResponse>,
}

/// Every endpoint with its queue.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = EndpointListResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let items = webhooks::list(&hearth, caller.actor()?)
        .await?
        .into_iter()
        .map(|s| endpoint(s.endpoint, Some((s.pending, s.failed_last_day))))
        .collect();
    Ok(HttpResponse::Ok().json(EndpointListResponse { items }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndpointRequest {
    /// `https://…` on a public address (loopback http only with the development switch).
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Event type names; empty or absent: every type.
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    /// Payloads carry members' e-mail addresses (default false).
    #[serde(default)]
    pub include_emails: Option<bool>,
    /// Default true.
    #[serde(default)]
    pub active: Option<bool>,
}

impl EndpointRequest {
    fn input(&self) -> EndpointInput {
        EndpointInput {
            url: self.url.clone(),
            description: self.description.clone().unwrap_or_default(),
            event_types: self.event_types.clone().unwrap_or_default(),
            include_emails: self.include_emails.unwrap_or(false),
            active: self.active.unwrap_or(true),
        }
    }
}

/// Registers an endpoint; the answer carries its signing secret.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = EndpointRequest,
    responses((status = 201, body = EndpointResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<EndpointRequest>,
) -> ApiResult<HttpResponse> {
    let created = webhooks::create(&hearth, caller.actor()?, &body.input()).await?;
    Ok(HttpResponse::Created().json(endpoint(created, None)))
}

/// One endpoint.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = EndpointResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(hearth: web::Data<Hearth>, caller: Caller, path: web::Path<i64>) -> ApiResult<HttpResponse> {
    let e = webhooks::get(&hearth, caller.actor()?, WebhookId(*path)).await?;
    Ok(HttpResponse::Ok().json(endpoint(e, None)))
}

/// Changes an endpoint (every field; turning it on again clears why it was disabled).
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    request_body = EndpointRequest,
    responses((status = 200, body = EndpointResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<EndpointRequest>,
) -> ApiResult<HttpResponse> {
    let e = webhooks::update(&hearth, caller.actor()?, WebhookId(*path), &body.input()).await?;
    Ok(HttpResponse::Ok().json(endpoint(e, None)))
}

/// Removes an endpoint with its queue and log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn delete(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    webhooks::delete(&hearth, caller.actor()?, WebhookId(*path)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret; the previous one keeps signing beside it for 24 hours.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = EndpointResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rotate_secret(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let e = webhooks::rotate_secret(&hearth, caller.actor()?, WebhookId(*path)).await?;
    Ok(HttpResponse::Ok().json(endpoint(e, None)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedResponse {
    pub delivery_id: i64,
}

/// Queues a `webhook.test` event for this endpoint alone.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 202, body = QueuedResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn send_test(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = webhooks::send_test(&hearth, caller.actor()?, WebhookId(*path)).await?;
    Ok(HttpResponse::Accepted().json(QueuedResponse { delivery_id: id.0 }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct DeliveryQuery {
    /// all (default), pending, delivered or failed
    pub state: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// 1–100, default 30.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    /// The `webhook-id` header, the same on every attempt.
    pub msg_id: String,
    pub event_type: String,
    /// pending, delivered or failed
    pub state: String,
    pub attempts: i32,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn delivery(d: webhooks::Delivery) -> DeliveryResponse {
    DeliveryResponse {
        next_attempt_at: (d.state == "pending").then_some(d.next_attempt_at),
        id: d.id.0,
        msg_id: d.msg_id,
        event_type: d.event_type,
        state: d.state,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        created_at: d.created_at,
        finished_at: d.finished_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryListResponse {
    pub items: Vec<DeliveryResponse>,
    /// Pass as `after` for the next page; null at the end.
    pub next: Option<String>,
}

/// The delivery log of an endpoint, newest first (30 days).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path), DeliveryQuery),
    responses((status = 200, body = DeliveryListResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn deliveries(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<i64>,
    query: web::Query<DeliveryQuery>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let id = WebhookId(*path);
    webhooks::get(&hearth, actor, id).await?;
    let filter = DeliveryFilter::parse(query.state.as_deref().unwrap_or(""))?;
    let limit = query.limit.unwrap_or(30);
    if !(1..=100).contains(&limit) {
        return Err(DomainError::invalid("limit", "must be from 1 to 100").into());
    }
    let after = match query.after.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(WebhookDeliveryId(raw.parse::<i64>().map_err(|_| {
            DomainError::invalid("after", "must be the `next` of a previous page")
        })?)),
    };
    let rows = webhooks::deliveries(&hearth, actor, id, filter, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<DeliveryResponse> = rows.into_iter().take(limit as usize).map(delivery).collect();
    let next = if more {
        items.last().map(|d| d.id.to_string())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(DeliveryListResponse { items, next }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub id: i64,
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i32,
    /// The receiver's HTTP status; null when there was no answer.
    pub status_code: Option<i32>,
    pub error: Option<String>,
    /// The first 2 KB of the answer.
    pub response_body: String,
    /// delivered, failed or gone
    pub outcome: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDetailResponse {
    #[serde(flatten)]
    pub delivery: DeliveryResponse,
    /// The body as it is sent: `{"type", "timestamp", "data"}`.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub attempts: Vec<AttemptResponse>,
}

/// One delivery with its payload and every attempt.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}", tag = "webhooks",
    params(("id" = i64, Path), ("delivery_id" = i64, Path)),
    responses((status = 200, body = DeliveryDetailResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delivery_detail(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery_id) = *path;
    let d = webhooks::delivery(
        &hearth,
        caller.actor()?,
        WebhookId(id),
        WebhookDeliveryId(delivery_id),
    )
    .await?;
    Ok(HttpResponse::Ok().json(DeliveryDetailResponse {
        delivery: delivery(d.delivery),
        payload: d.payload,
        attempts: d
            .attempts
            .into_iter()
            .map(|a| AttemptResponse {
                id: a.id,
                attempted_at: a.attempted_at,
                duration_ms: a.duration_ms,
                status_code: a.status_code,
                error: a.error,
                response_body: a.response_body,
                outcome: a.outcome,
            })
            .collect(),
    }))
}

/// Sends a delivery again at once, with the same `webhook-id`.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("id" = i64, Path), ("delivery_id" = i64, Path)),
    responses((status = 202, body = QueuedResponse), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry(
    hearth: web::Data<Hearth>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery_id) = *path;
    webhooks::resend(
        &hearth,
        caller.actor()?,
        WebhookId(id),
        WebhookDeliveryId(delivery_id),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(QueuedResponse { delivery_id }))
}
