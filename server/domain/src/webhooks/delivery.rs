//! Delivering the outbox: a worker claims the head of each endpoint's queue (one event at a time per endpoint,
//! in the order they happened) with `FOR UPDATE SKIP LOCKED` and a lease, sends it signed (Standard Webhooks),
//! records the attempt and schedules the retry. Several instances never send the same attempt twice: an attempt
//! belongs to whoever raised the delivery's attempt count, and only they may record it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use super::address;
use super::events::redact_emails;
use crate::mail::{self, templates};
use crate::{DomainError, DomainResult, Hearth, db};

/// Waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. Ten attempts over
/// about 3 days and 3 hours; after the last one the delivery is given up.
pub const RETRY_SCHEDULE_SECONDS: [u64; 9] = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400];
/// How long one attempt may take (connecting, sending, the receiver's answer).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Failing for this long without one success disables the endpoint.
pub const FAILURE_WINDOW_HOURS: i64 = 72;
/// How much of the receiver's answer the log keeps.
pub const RESPONSE_KEPT: usize = 2048;
/// How long finished deliveries and their attempts stay in the log.
pub const LOG_DAYS: i64 = 30;
/// Deliveries (of different endpoints) a worker sends at once.
pub const CLAIM_BATCH: i64 = 8;
/// After a rotation the previous secret keeps signing for this long.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// How this instance delivers webhooks.
#[derive(Debug, Clone)]
pub struct Config {
    /// Development and tests only: loopback receivers (and plain http to them) are allowed.
    pub allow_loopback: bool,
    pub retry_schedule: Vec<Duration>,
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            allow_loopback: false,
            retry_schedule: RETRY_SCHEDULE_SECONDS
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            timeout: TIMEOUT,
        }
    }
}

/// The HTTP client of the delivery worker: names resolved only through the SSRF guard, no redirects, no
/// proxies, the attempt timeout.
pub fn client(config: &Config) -> DomainResult<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(address::GuardedResolver::shared(config.allow_loopback))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .user_agent(concat!("Hearth-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(DomainError::internal)
}

/// The `webhook-signature` header: `v1,<sig>` with the current secret, and with the previous one during a
/// rotation's overlap (space-separated, as the specification allows).
pub fn signature_header(secrets: &[&str], msg_id: &str, timestamp: i64, body: &[u8]) -> DomainResult<String> {
    let mut parts = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let hook = standardwebhooks::Webhook::new(secret).map_err(DomainError::internal)?;
        parts.push(
            hook.sign(msg_id, timestamp, body)
                .map_err(DomainError::internal)?,
        );
    }
    Ok(parts.join(" "))
}

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key))
}

/// The body of a delivery: `{"type", "timestamp", "data"}`, the same bytes on every retry.
pub fn body(event_type: &str, created_at: DateTime<Utc>, mut data: Value, include_emails: bool) -> Vec<u8> {
    if !include_emails {
        redact_emails(&mut data);
    }
    let payload = json!({
        "type": event_type,
        "timestamp": created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    serde_json::to_vec(&payload).unwrap_or_default()
}

#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    endpoint_id: i64,
    #[diesel(sql_type = Text)]
    msg_id: String,
    #[diesel(sql_type = Int4)]
    attempts: i32,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    secret: String,
    #[diesel(sql_type = Nullable<Text>)]
    previous_secret: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    previous_secret_until: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    include_emails: bool,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Jsonb)]
    data: Value,
    #[diesel(sql_type = Timestamptz)]
    event_created_at: DateTime<Utc>,
}

/// The head of each active endpoint's queue that is due and not held by another worker; raising `attempts`
/// claims the attempt, the lease keeps others off it until it is recorded (or the worker died).
const CLAIM_SQL: &str = "
WITH heads AS (
    SELECT h.id
    FROM webhook_endpoints e
    CROSS JOIN LATERAL (
        SELECT p.id FROM webhook_deliveries p
        WHERE p.endpoint_id = e.id AND p.state = 'pending'
        ORDER BY p.id LIMIT 1
    ) h
    WHERE e.active
), claimed AS (
    UPDATE webhook_deliveries d
    SET leased_until = now() + interval '2 minutes', attempts = d.attempts + 1
    WHERE d.id IN (
        SELECT x.id FROM webhook_deliveries x
        WHERE x.id IN (SELECT id FROM heads)
          AND x.state = 'pending' AND x.next_attempt_at <= now()
          AND (x.leased_until IS NULL OR x.leased_until < now())
        ORDER BY x.next_attempt_at, x.id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING d.id, d.endpoint_id, d.event_id, d.msg_id, d.attempts
)
SELECT c.id, c.endpoint_id, c.msg_id, c.attempts, e.url, e.secret, e.previous_secret, e.previous_secret_until,
       e.include_emails, ev.event_type, ev.data, ev.created_at AS event_created_at
FROM claimed c
JOIN webhook_endpoints e ON e.id = c.endpoint_id
JOIN webhook_events ev ON ev.id = c.event_id";

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub response_body: String,
    pub duration: Duration,
}

impl AttemptResult {
    fn outcome(&self) -> &'static str {
        match self.status_code {
            Some(code) if (200..300).contains(&code) => "delivered",
            Some(410) => "gone",
            _ => "failed",
        }
    }
}

/// Sends one signed request and reads the first bytes of the answer. Never follows a redirect; the URL is
/// vetted again (scheme and literal addresses here, names in the client's resolver).
pub async fn send(
    client: &reqwest::Client,
    config: &Config,
    url: &str,
    secrets: &[&str],
    msg_id: &str,
    body: Vec<u8>,
) -> AttemptResult {
    let started = Instant::now();
    let failed = |error: String, started: Instant| AttemptResult {
        status_code: None,
        error: Some(error),
        response_body: String::new(),
        duration: started.elapsed(),
    };
    if let Err(problem) = address::vet(url, config.allow_loopback).await {
        return failed(format!("refused before connecting: {}", problem.0), started);
    }
    let timestamp = Utc::now().timestamp();
    let signature = match signature_header(secrets, msg_id, timestamp, &body) {
        Ok(s) => s,
        Err(e) => return failed(format!("could not sign: {e}"), started),
    };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => {
            let what = if e.is_timeout() {
                format!("timed out after {} s", config.timeout.as_secs())
            } else if e.is_connect() {
                format!("could not connect: {}", error_chain(&e))
            } else {
                error_chain(&e)
            };
            return failed(what, started);
        }
    };
    let status = response.status().as_u16();
    let mut kept: Vec<u8> = Vec::new();
    while kept.len() < RESPONSE_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    kept.truncate(RESPONSE_KEPT);
    let mut response_body = String::from_utf8_lossy(&kept).into_owned();
    if response_body.ends_with('\u{FFFD}') && kept.len() == RESPONSE_KEPT {
        response_body.pop();
    }
    let error = if (200..300).contains(&status) {
        None
    } else if (300..400).contains(&status) {
        Some(format!("HTTP {status}: redirects are not followed"))
    } else {
        Some(format!("HTTP {status}"))
    };
    AttemptResult {
        status_code: Some(status),
        error,
        response_body,
        duration: started.elapsed(),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Sends up to `batch` due deliveries (each of a different endpoint) at once; returns how many were tried.
pub async fn deliver_due(hearth: &Hearth, client: &reqwest::Client, batch: i64) -> DomainResult<usize> {
    let config = hearth.settings().webhooks.clone();
    let claimed: Vec<Claimed> = {
        let mut conn = db::conn(hearth.db()).await?;
        diesel::sql_query(CLAIM_SQL)
            .bind::<BigInt, _>(batch)
            .load(&mut conn)
            .await?
    };
    let tried = claimed.len();
    let sends = claimed.into_iter().map(|d| {
        let config = config.clone();
        async move {
            let now = Utc::now();
            let mut secrets = vec![d.secret.as_str()];
            if let (Some(old), Some(until)) = (&d.previous_secret, d.previous_secret_until)
                && until > now
            {
                secrets.push(old.as_str());
            }
            let body = body(
                &d.event_type,
                d.event_created_at,
                d.data.clone(),
                d.include_emails,
            );
            let result = send(client, &config, &d.url, &secrets, &d.msg_id, body).await;
            (d, result)
        }
    });
    let results = futures_util::future::join_all(sends).await;
    for (d, result) in results {
        if let Err(e) = record(hearth, &config, &d, &result).await {
            tracing::warn!(delivery_id = d.id, error = %e, "webhook attempt not recorded; it will be retried");
        }
    }
    Ok(tried)
}

async fn record(hearth: &Hearth, config: &Config, d: &Claimed, result: &AttemptResult) -> DomainResult<()> {
    let outcome = result.outcome();
    let mut conn = db::conn(hearth.db()).await?;
    let brand = crate::brand::current(hearth);
    let endpoint_link = hearth.url(&format!("/admin/webhooks/{}", d.endpoint_id));
    let attempt = d.attempts;
    let retry_after = config.retry_schedule.get((attempt - 1).max(0) as usize).copied();
    let disabled = conn
        .transaction::<Option<String>, DomainError, _>(async |conn| {
            // Only the holder of this attempt records it (a worker whose lease ran out lost it).
            let still_ours = diesel::sql_query(
                "UPDATE webhook_deliveries SET leased_until = NULL, last_status = $3, last_error = $4
                 WHERE id = $1 AND attempts = $2 AND state = 'pending'",
            )
            .bind::<BigInt, _>(d.id)
            .bind::<Int4, _>(attempt)
            .bind::<Nullable<Int4>, _>(result.status_code.map(i32::from))
            .bind::<Nullable<Text>, _>(result.error.as_deref())
            .execute(conn)
            .await?;
            if still_ours == 0 {
                return Ok(None);
            }
            diesel::sql_query(
                "INSERT INTO webhook_attempts (delivery_id, duration_ms, status_code, error, response_body, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind::<BigInt, _>(d.id)
            .bind::<Int4, _>(result.duration.as_millis().min(i32::MAX as u128) as i32)
            .bind::<Nullable<Int4>, _>(result.status_code.map(i32::from))
            .bind::<Nullable<Text>, _>(result.error.as_deref())
            .bind::<Text, _>(&result.response_body)
            .bind::<Text, _>(outcome)
            .execute(conn)
            .await?;
            let mut disable_reason = None;
            match outcome {
                "delivered" => {
                    diesel::sql_query(
                        "UPDATE webhook_deliveries SET state = 'delivered', finished_at = now() WHERE id = $1",
                    )
                    .bind::<BigInt, _>(d.id)
                    .execute(conn)
                    .await?;
                    diesel::sql_query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
                        .bind::<BigInt, _>(d.endpoint_id)
                        .execute(conn)
                        .await?;
                }
                "gone" => {
                    diesel::sql_query(
                        "UPDATE webhook_deliveries SET state = 'failed', finished_at = now() WHERE id = $1",
                    )
                    .bind::<BigInt, _>(d.id)
                    .execute(conn)
                    .await?;
                    disable_reason = Some("The receiver answered 410 Gone: it no longer wants these events.".to_owned());
                }
                _ => {
                    match retry_after {
                        Some(wait) => {
                            diesel::sql_query(
                                "UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2)
                                 WHERE id = $1",
                            )
                            .bind::<BigInt, _>(d.id)
                            .bind::<diesel::sql_types::Double, _>(wait.as_secs_f64())
                            .execute(conn)
                            .await?;
                        }
                        None => {
                            diesel::sql_query(
                                "UPDATE webhook_deliveries SET state = 'failed', finished_at = now() WHERE id = $1",
                            )
                            .bind::<BigInt, _>(d.id)
                            .execute(conn)
                            .await?;
                        }
                    }
                    #[derive(QueryableByName)]
                    struct Failing {
                        #[diesel(sql_type = diesel::sql_types::Bool)]
                        too_long: bool,
                    }
                    let failing: Failing = diesel::sql_query(
                        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now())
                         WHERE id = $1
                         RETURNING failing_since <= now() - make_interval(hours => $2) AS too_long",
                    )
                    .bind::<BigInt, _>(d.endpoint_id)
                    .bind::<Int4, _>(FAILURE_WINDOW_HOURS as i32)
                    .get_result(conn)
                    .await?;
                    if failing.too_long {
                        disable_reason = Some(format!(
                            "Every delivery failed for {} days (last: {}).",
                            FAILURE_WINDOW_HOURS / 24,
                            result.error.as_deref().unwrap_or("no answer")
                        ));
                    }
                }
            }
            if let Some(reason) = &disable_reason {
                let turned_off = diesel::sql_query(
                    "UPDATE webhook_endpoints SET active = false, disabled_reason = $2, updated_at = now()
                     WHERE id = $1 AND active",
                )
                .bind::<BigInt, _>(d.endpoint_id)
                .bind::<Text, _>(reason)
                .execute(conn)
                .await?;
                if turned_off > 0 {
                    for (to, username) in admins(conn).await? {
                        mail::enqueue(
                            conn,
                            &templates::webhook_disabled(&brand, &to, &username, &d.url, reason, &endpoint_link),
                        )
                        .await?;
                    }
                    return Ok(Some(reason.clone()));
                }
            }
            Ok(None)
        })
        .await?;
    if let Some(reason) = disabled {
        hearth.wake_mailer();
        tracing::warn!(endpoint_id = d.endpoint_id, %reason, "webhook endpoint disabled");
    }
    tracing::info!(
        delivery_id = d.id,
        endpoint_id = d.endpoint_id,
        attempt,
        outcome,
        status = ?result.status_code,
        ms = result.duration.as_millis() as u64,
        "webhook attempt"
    );
    Ok(())
}

/// Confirmed admins' addresses and usernames.
async fn admins(conn: &mut AsyncPgConnection) -> DomainResult<Vec<(String, String)>> {
    use crate::schema::users;
    Ok(users::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "'admin' = ANY (roles)",
        ))
        .filter(users::email_verified_at.is_not_null())
        .select((users::email, users::username))
        .load(conn)
        .await?)
}

/// Removes finished deliveries and attempts older than the log keeps, and events nobody waits for.
pub async fn purge(hearth: &Hearth) -> DomainResult<u64> {
    let mut conn = db::conn(hearth.db()).await?;
    let days = LOG_DAYS as i32;
    let mut removed = diesel::sql_query(
        "DELETE FROM webhook_deliveries WHERE finished_at < now() - make_interval(days => $1)",
    )
    .bind::<Int4, _>(days)
    .execute(&mut conn)
    .await? as u64;
    removed += diesel::sql_query(
        "DELETE FROM webhook_attempts WHERE attempted_at < now() - make_interval(days => $1)",
    )
    .bind::<Int4, _>(days)
    .execute(&mut conn)
    .await? as u64;
    removed += diesel::sql_query(
        "DELETE FROM webhook_events ev WHERE ev.created_at < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id)",
    )
    .bind::<Int4, _>(days)
    .execute(&mut conn)
    .await? as u64;
    Ok(removed)
}

/// How often the worker purges the log.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The worker loop: delivers due events, then sleeps a second unless it had work; purges the log hourly.
pub async fn run_worker(hearth: Hearth) {
    let client = match client(&hearth.settings().webhooks) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "the webhook client could not be built; webhooks are not delivered");
            return;
        }
    };
    let mut last_purge = Instant::now() - PURGE_EVERY;
    loop {
        let busy = match deliver_due(&hearth, &client, CLAIM_BATCH).await {
            Ok(n) => n > 0,
            Err(e) => {
                tracing::warn!(error = %e, "webhook worker could not read the outbox");
                false
            }
        };
        if last_purge.elapsed() >= PURGE_EVERY {
            last_purge = Instant::now();
            match purge(&hearth).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "webhook log purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook log not purged"),
            }
        }
        if !busy {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// The published schedule in words (admin page, API description).
pub fn schedule_in_words() -> String {
    let words: Vec<String> = RETRY_SCHEDULE_SECONDS
        .iter()
        .map(|s| match s {
            s if *s < 60 => format!("{s} s"),
            s if *s < 3600 => format!("{} min", s / 60),
            s => format!("{} h", s / 3600),
        })
        .collect();
    format!(
        "at once, then after {} (ten attempts over about 3 days)",
        words.join(", ")
    )
}

/// Claims like the worker does and returns (endpoint, delivery) pairs, without sending (domain tests).
#[cfg(test)]
pub(crate) async fn claim_for_tests(hearth: &Hearth, batch: i64) -> Vec<(i64, i64)> {
    let Ok(mut conn) = db::conn(hearth.db()).await else {
        return vec![];
    };
    let claimed: Vec<Claimed> = diesel::sql_query(CLAIM_SQL)
        .bind::<BigInt, _>(batch)
        .load(&mut conn)
        .await
        .unwrap_or_default();
    claimed.into_iter().map(|c| (c.endpoint_id, c.id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's own published vector (the reference libraries test it too).
    #[test]
    fn signature_matches_the_published_test_vector() {
        let sig = signature_header(
            &["whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"],
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    }

    #[test]
    fn rotation_sends_both_signatures() {
        let new = new_secret();
        let old = new_secret();
        assert!(new.starts_with("whsec_") && new != old);
        let both = signature_header(&[&new, &old], "msg_1", 1, b"{}").unwrap();
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert_ne!(parts[0], parts[1]);
    }

    #[test]
    fn the_schedule_spans_about_three_days() {
        let total: u64 = RETRY_SCHEDULE_SECONDS.iter().sum();
        assert!((72 * 3600..80 * 3600).contains(&total), "{total}");
        assert!(schedule_in_words().starts_with("at once, then after 5 s, 5 min, 30 min, 2 h"));
    }

    #[test]
    fn bodies_leave_out_addresses_unless_allowed() {
        let at = Utc::now();
        let data = json!({"member": {"id": 1, "username": "ana", "email": "ana@example.com"}});
        let without: Value =
            serde_json::from_slice(&body("member.created", at, data.clone(), false)).unwrap();
        assert_eq!(without["data"]["member"], json!({"id": 1, "username": "ana"}));
        assert_eq!(without["type"], "member.created");
        let with: Value = serde_json::from_slice(&body("member.created", at, data, true)).unwrap();
        assert_eq!(with["data"]["member"]["email"], "ana@example.com");
    }
}
