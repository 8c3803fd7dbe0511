//! Webhooks: the company's systems (CRM, support desk, product tools) told what happens in the community,
//! signed by the Standard Webhooks specification, delivered reliably from an outbox written in the transaction
//! of each change ([`emit`]), retried for about three days, logged per attempt. Admins manage the endpoints
//! (`/admin/webhooks` and `/api/v1/webhooks`).

pub mod address;
pub mod delivery;
mod events;
pub(crate) mod payloads;
#[cfg(test)]
mod tests;

pub use delivery::{Config, RETRY_SCHEDULE_SECONDS, schedule_in_words};
pub use events::{EventType, emit, redact_emails};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde_json::json;

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::ids::{WebhookDeliveryId, WebhookId};
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_events};
use crate::{DomainError, DomainResult, FieldErrors, Hearth, db};

/// Endpoints one community may have.
pub const MAX_ENDPOINTS: i64 = 50;

/// An endpoint as admins see it (the secret included: they configure their receiver with it).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct Endpoint {
    pub id: WebhookId,
    pub url: String,
    pub description: String,
    /// Empty: every event type.
    pub event_types: Vec<String>,
    pub secret: String,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub include_emails: bool,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an admin sets on an endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointInput {
    pub url: String,
    pub description: String,
    /// Empty: every event type.
    pub event_types: Vec<String>,
    pub include_emails: bool,
    pub active: bool,
}

/// One delivery of one event to one endpoint, as the log lists it.
#[derive(Debug, Clone, Queryable)]
pub struct Delivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookId,
    pub msg_id: String,
    pub event_type: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts, check_for_backend(diesel::pg::Pg))]
pub struct Attempt {
    pub id: i64,
    pub attempted_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub response_body: String,
    pub outcome: String,
}

/// A delivery with its payload and every attempt (the log's detail).
#[derive(Debug, Clone)]
pub struct DeliveryDetail {
    pub delivery: Delivery,
    pub payload: serde_json::Value,
    pub attempts: Vec<Attempt>,
}

/// An endpoint with how its queue stands (the list page).
#[derive(Debug, Clone)]
pub struct EndpointSummary {
    pub endpoint: Endpoint,
    pub pending: i64,
    pub failed_last_day: i64,
    pub last_attempt_at: Option<DateTime<Utc>>,
}

fn validate(input: &EndpointInput) -> DomainResult<Vec<String>> {
    let mut errors = FieldErrors::new();
    if input.url.trim().is_empty() {
        errors.add("url", "Enter the URL that should receive the events.");
    } else if input.url.len() > 2000 {
        errors.add("url", "At most 2000 characters.");
    }
    if input.description.chars().count() > 500 {
        errors.add("description", "At most 500 characters.");
    }
    let mut types = Vec::new();
    for raw in &input.event_types {
        let raw = raw.trim();
        match EventType::parse(raw) {
            Some(t) if t != EventType::WebhookTest => {
                if !types.iter().any(|x: &String| x == t.as_str()) {
                    types.push(t.as_str().to_owned());
                }
            }
            _ => errors.add(
                "event_types",
                format!(
                    "{raw:?} is not an event type (one of: {}).",
                    EventType::SUBSCRIBABLE.map(|t| t.as_str()).join(", ")
                ),
            ),
        }
    }
    errors.into_result()?;
    Ok(types)
}

async fn vet_url(hearth: &Hearth, url: &str) -> DomainResult<String> {
    let (parsed, _) = address::vet(url, hearth.settings().webhooks.allow_loopback)
        .await
        .map_err(|p| DomainError::invalid("url", p.0))?;
    Ok(parsed.to_string())
}

fn audit_view(e: &Endpoint) -> serde_json::Value {
    json!({
        "url": e.url, "description": e.description, "event_types": e.event_types,
        "active": e.active, "include_emails": e.include_emails,
    })
}

/// Every endpoint with its queue (admins).
pub async fn list(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<EndpointSummary>> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    let endpoints: Vec<Endpoint> = webhook_endpoints::table
        .select(Endpoint::as_select())
        .order(webhook_endpoints::id)
        .load(&mut conn)
        .await?;
    let ids: Vec<i64> = endpoints.iter().map(|e| e.id.0).collect();
    #[derive(QueryableByName)]
    struct Stats {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        endpoint_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        pending: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        failed: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
        last_attempt_at: Option<DateTime<Utc>>,
    }
    let stats: Vec<Stats> = diesel::sql_query(
        "SELECT e.id AS endpoint_id,
                (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending') AS pending,
                (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'failed'
                    AND d.finished_at > now() - interval '1 day') AS failed,
                (SELECT max(a.attempted_at) FROM webhook_attempts a WHERE a.delivery_id IN
                    (SELECT d.id FROM webhook_deliveries d WHERE d.endpoint_id = e.id ORDER BY d.id DESC LIMIT 50)) AS last_attempt_at
         FROM webhook_endpoints e WHERE e.id = ANY ($1)",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&ids)
    .load(&mut conn)
    .await?;
    Ok(endpoints
        .into_iter()
        .map(|endpoint| {
            let s = stats.iter().find(|s| s.endpoint_id == endpoint.id.0);
            EndpointSummary {
                pending: s.map_or(0, |s| s.pending),
                failed_last_day: s.map_or(0, |s| s.failed),
                last_attempt_at: s.and_then(|s| s.last_attempt_at),
                endpoint,
            }
        })
        .collect())
}

/// One endpoint (admins).
pub async fn get(hearth: &Hearth, actor: &Actor, id: WebhookId) -> DomainResult<Endpoint> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    webhook_endpoints::table
        .find(id.0)
        .select(Endpoint::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("webhook endpoint"))
}

/// Registers an endpoint with a new secret (admins; audited). The URL must reach a public address over https.
pub async fn create(hearth: &Hearth, actor: &Actor, input: &EndpointInput) -> DomainResult<Endpoint> {
    actor.require_admin()?;
    let types = validate(input)?;
    let url = vet_url(hearth, &input.url).await?;
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<Endpoint, DomainError, _>(async |conn| {
        let count: i64 = webhook_endpoints::table.count().get_result(conn).await?;
        if count >= MAX_ENDPOINTS {
            return Err(DomainError::invalid(
                "url",
                format!("A community can have at most {MAX_ENDPOINTS} endpoints; remove one first."),
            ));
        }
        let endpoint: Endpoint = diesel::insert_into(webhook_endpoints::table)
            .values((
                webhook_endpoints::url.eq(&url),
                webhook_endpoints::description.eq(input.description.trim()),
                webhook_endpoints::event_types.eq(&types),
                webhook_endpoints::secret.eq(delivery::new_secret()),
                webhook_endpoints::active.eq(input.active),
                webhook_endpoints::include_emails.eq(input.include_emails),
                webhook_endpoints::created_by.eq(Some(actor.id.0)),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor.id),
                action: "webhook.create".into(),
                target_type: "webhook".into(),
                target_id: Some(endpoint.id.0),
                before: None,
                after: Some(audit_view(&endpoint)),
                reason: String::new(),
            },
        )
        .await?;
        Ok(endpoint)
    })
    .await
}

/// Changes an endpoint (admins; audited). Turning it on again clears why it was disabled.
pub async fn update(
    hearth: &Hearth,
    actor: &Actor,
    id: WebhookId,
    input: &EndpointInput,
) -> DomainResult<Endpoint> {
    actor.require_admin()?;
    let types = validate(input)?;
    let url = vet_url(hearth, &input.url).await?;
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<Endpoint, DomainError, _>(async |conn| {
        let before: Endpoint = webhook_endpoints::table
            .find(id.0)
            .select(Endpoint::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("webhook endpoint"))?;
        let reenabled = input.active && !before.active;
        let after: Endpoint = diesel::update(webhook_endpoints::table.find(id.0))
            .set((
                webhook_endpoints::url.eq(&url),
                webhook_endpoints::description.eq(input.description.trim()),
                webhook_endpoints::event_types.eq(&types),
                webhook_endpoints::active.eq(input.active),
                webhook_endpoints::include_emails.eq(input.include_emails),
                webhook_endpoints::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await?;
        let after = if reenabled {
            diesel::update(webhook_endpoints::table.find(id.0))
                .set((
                    webhook_endpoints::disabled_reason.eq(None::<String>),
                    webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>),
                ))
                .returning(Endpoint::as_returning())
                .get_result(conn)
                .await?
        } else {
            after
        };
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor.id),
                action: "webhook.update".into(),
                target_type: "webhook".into(),
                target_id: Some(id.0),
                before: Some(audit_view(&before)),
                after: Some(audit_view(&after)),
                reason: String::new(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}

/// Removes an endpoint with its queue and log (admins; audited).
pub async fn delete(hearth: &Hearth, actor: &Actor, id: WebhookId) -> DomainResult<()> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<(), DomainError, _>(async |conn| {
        let before: Endpoint = diesel::delete(webhook_endpoints::table.find(id.0))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("webhook endpoint"))?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor.id),
                action: "webhook.delete".into(),
                target_type: "webhook".into(),
                target_id: Some(id.0),
                before: Some(audit_view(&before)),
                after: None,
                reason: String::new(),
            },
        )
        .await
    })
    .await
}

/// A new signing secret; the old one keeps signing beside it for a day, so receivers can switch without
/// losing an event (admins; audited).
pub async fn rotate_secret(hearth: &Hearth, actor: &Actor, id: WebhookId) -> DomainResult<Endpoint> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<Endpoint, DomainError, _>(async |conn| {
        let current: String = webhook_endpoints::table
            .find(id.0)
            .select(webhook_endpoints::secret)
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("webhook endpoint"))?;
        let until = Utc::now() + chrono::Duration::hours(delivery::ROTATION_OVERLAP_HOURS);
        let endpoint: Endpoint = diesel::update(webhook_endpoints::table.find(id.0))
            .set((
                webhook_endpoints::secret.eq(delivery::new_secret()),
                webhook_endpoints::previous_secret.eq(Some(current)),
                webhook_endpoints::previous_secret_until.eq(Some(until)),
                webhook_endpoints::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor.id),
                action: "webhook.rotate_secret".into(),
                target_type: "webhook".into(),
                target_id: Some(id.0),
                before: None,
                after: Some(json!({"previous_secret_until": until})),
                reason: String::new(),
            },
        )
        .await?;
        Ok(endpoint)
    })
    .await
}

/// Queues a `webhook.test` event for this endpoint alone (it waits behind the endpoint's queue).
pub async fn send_test(hearth: &Hearth, actor: &Actor, id: WebhookId) -> DomainResult<WebhookDeliveryId> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    let delivery = conn
        .transaction::<i64, DomainError, _>(async |conn| {
            let exists: Option<i64> = webhook_endpoints::table
                .find(id.0)
                .select(webhook_endpoints::id)
                .first(conn)
                .await
                .optional()?;
            exists.ok_or(DomainError::NotFound("webhook endpoint"))?;
            let event: i64 = diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::event_type.eq(EventType::WebhookTest.as_str()),
                    webhook_events::data.eq(json!({
                        "message": "A test event from the community's administration.",
                        "endpoint_id": id.0,
                        "sent_by": {"id": actor.id.0, "username": actor.username},
                    })),
                ))
                .returning(webhook_events::id)
                .get_result(conn)
                .await?;
            Ok(diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::endpoint_id.eq(id.0),
                    webhook_deliveries::event_id.eq(event),
                ))
                .returning(webhook_deliveries::id)
                .get_result(conn)
                .await?)
        })
        .await?;
    Ok(WebhookDeliveryId(delivery))
}

type DeliveryColumns = (
    webhook_deliveries::id,
    webhook_deliveries::endpoint_id,
    webhook_deliveries::msg_id,
    webhook_events::event_type,
    webhook_deliveries::state,
    webhook_deliveries::attempts,
    webhook_deliveries::next_attempt_at,
    webhook_deliveries::last_status,
    webhook_deliveries::last_error,
    webhook_deliveries::created_at,
    webhook_deliveries::finished_at,
);

const DELIVERY_COLUMNS: DeliveryColumns = (
    webhook_deliveries::id,
    webhook_deliveries::endpoint_id,
    webhook_deliveries::msg_id,
    webhook_events::event_type,
    webhook_deliveries::state,
    webhook_deliveries::attempts,
    webhook_deliveries::next_attempt_at,
    webhook_deliveries::last_status,
    webhook_deliveries::last_error,
    webhook_deliveries::created_at,
    webhook_deliveries::finished_at,
);

/// Which deliveries the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeliveryFilter {
    #[default]
    All,
    Pending,
    Delivered,
    Failed,
}

impl DeliveryFilter {
    pub fn parse(raw: &str) -> DomainResult<DeliveryFilter> {
        match raw {
            "" | "all" => Ok(DeliveryFilter::All),
            "pending" => Ok(DeliveryFilter::Pending),
            "delivered" => Ok(DeliveryFilter::Delivered),
            "failed" => Ok(DeliveryFilter::Failed),
            _ => Err(DomainError::invalid(
                "state",
                "Choose all, pending, delivered or failed.",
            )),
        }
    }

    fn state(self) -> Option<&'static str> {
        match self {
            DeliveryFilter::All => None,
            DeliveryFilter::Pending => Some("pending"),
            DeliveryFilter::Delivered => Some("delivered"),
            DeliveryFilter::Failed => Some("failed"),
        }
    }
}

/// The delivery log of an endpoint, newest first, keyset-paginated (`before` = the last id shown).
pub async fn deliveries(
    hearth: &Hearth,
    actor: &Actor,
    id: WebhookId,
    filter: DeliveryFilter,
    before: Option<WebhookDeliveryId>,
    limit: i64,
) -> DomainResult<Vec<Delivery>> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    let mut query = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(id.0))
        .select(DELIVERY_COLUMNS)
        .order(webhook_deliveries::id.desc())
        .limit(limit.clamp(1, 100))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.0));
    }
    if let Some(state) = filter.state() {
        query = query.filter(webhook_deliveries::state.eq(state));
    }
    Ok(query.load::<Delivery>(&mut conn).await?)
}

/// One delivery with its payload and attempts (admins).
pub async fn delivery(
    hearth: &Hearth,
    actor: &Actor,
    id: WebhookId,
    delivery_id: WebhookDeliveryId,
) -> DomainResult<DeliveryDetail> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    let (delivery, data, event_created_at, include_emails): (
        Delivery,
        serde_json::Value,
        DateTime<Utc>,
        bool,
    ) = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::id.eq(delivery_id.0))
        .filter(webhook_deliveries::endpoint_id.eq(id.0))
        .select((
            DELIVERY_COLUMNS,
            webhook_events::data,
            webhook_events::created_at,
            webhook_endpoints::include_emails,
        ))
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("webhook delivery"))?;
    let attempts = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq(delivery_id.0))
        .select(Attempt::as_select())
        .order(webhook_attempts::id)
        .load(&mut conn)
        .await?;
    let body = delivery::body(&delivery.event_type, event_created_at, data, include_emails);
    let payload = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    Ok(DeliveryDetail {
        delivery,
        payload,
        attempts,
    })
}

/// "Send again": the delivery is tried once more at once, with the same `webhook-id` (admins). A delivery
/// being sent right now is left alone.
pub async fn resend(
    hearth: &Hearth,
    actor: &Actor,
    id: WebhookId,
    delivery_id: WebhookDeliveryId,
) -> DomainResult<()> {
    actor.require_admin()?;
    let mut conn = db::conn(hearth.db()).await?;
    let changed = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id.0))
            .filter(webhook_deliveries::endpoint_id.eq(id.0)),
    )
    .filter(
        webhook_deliveries::leased_until
            .is_null()
            .or(webhook_deliveries::leased_until.lt(diesel::dsl::now)),
    )
    .set((
        webhook_deliveries::state.eq("pending"),
        webhook_deliveries::next_attempt_at.eq(diesel::dsl::now),
        webhook_deliveries::finished_at.eq(None::<DateTime<Utc>>),
        // One more attempt after the last of the schedule gives up at once if it fails again.
        webhook_deliveries::attempts.eq(diesel::dsl::sql::<diesel::sql_types::Integer>(&format!(
            "LEAST(attempts, {})",
            delivery::RETRY_SCHEDULE_SECONDS.len()
        ))),
    ))
    .execute(&mut conn)
    .await?;
    if changed == 0 {
        let exists: Option<i64> = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id.0))
            .filter(webhook_deliveries::endpoint_id.eq(id.0))
            .select(webhook_deliveries::id)
            .first(&mut conn)
            .await
            .optional()?;
        return match exists {
            None => Err(DomainError::NotFound("webhook delivery")),
            Some(_) => Err(DomainError::conflict(
                "delivery",
                "This delivery is being sent right now; look again in a few seconds.",
            )),
        };
    }
    Ok(())
}
