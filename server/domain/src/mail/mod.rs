//! E-mail. Every message is written to the `mail_outbox` table inside the transaction of the event that
//! causes it; a worker delivers the queue through SMTP (or, in development, into `.eml` files), retrying with
//! exponential backoff. Requests never wait on SMTP, and nothing is lost while SMTP is down.

pub mod notify;
pub mod templates;
mod transport;

pub use transport::{Letter, SendError, Transport};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::time::Duration;

use crate::ids::MailId;
use crate::schema::mail_outbox;
use crate::{DomainResult, Hearth, db};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues a message; call inside the transaction of the event. Wake the worker after commit.
pub async fn enqueue(conn: &mut AsyncPgConnection, mail: &OutgoingMail) -> DomainResult<MailId> {
    let id = diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::kind.eq(mail.kind),
            mail_outbox::to_address.eq(&mail.to),
            mail_outbox::subject.eq(&mail.subject),
            mail_outbox::text_body.eq(&mail.text),
            mail_outbox::html_body.eq(&mail.html),
        ))
        .returning(mail_outbox::id)
        .get_result::<i64>(conn)
        .await?;
    Ok(MailId(id))
}

/// Kinds whose bodies carry a one-time secret link (verification, password reset): once sent, the outbox
/// keeps only a note, so that a database dump or backup holds no working link.
pub const SECRET_LINK_KINDS: &[&str] = &["verify_email", "password_reset"];

/// What stays of such a message's bodies after it was sent.
pub const REDACTED_BODY: &str = "[redacted after sending: this message carried a one-time link]";

#[derive(Debug, QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    to_address: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    text_body: String,
    #[diesel(sql_type = Text)]
    html_body: String,
    #[diesel(sql_type = Int4)]
    attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    list_unsubscribe: Option<String>,
}

/// Claims due messages (skipping those other workers hold). The lock outlives the worst case of a batch:
/// `CLAIM_BATCH` sends that each give up after the SMTP timeout (10 s per step, a few steps).
const CLAIM_SQL: &str = "
UPDATE mail_outbox SET locked_until = now() + interval '5 minutes', attempts = attempts + 1
WHERE id IN (
    SELECT id FROM mail_outbox
    WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
      AND (locked_until IS NULL OR locked_until < now())
    ORDER BY next_attempt_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
)
RETURNING id, kind, to_address, subject, text_body, html_body, attempts, list_unsubscribe";

/// Messages a worker claims at once.
pub const CLAIM_BATCH: i64 = 5;
/// After this many failed attempts (about a day and a half of retries) a message is given up.
pub const MAX_ATTEMPTS: i32 = 60;

/// Backoff after the n-th failed attempt: 5 s, 10 s, 20 s … capped at 30 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 20) as u32 - 1;
    Duration::from_secs((5u64 << exp.min(9)).min(30 * 60))
}

/// Sends up to `batch` due messages; returns how many were sent.
pub async fn deliver_due(hearth: &Hearth, transport: &Transport, batch: i64) -> DomainResult<usize> {
    let mut conn = db::conn(hearth.db()).await?;
    let claimed: Vec<Claimed> = diesel::sql_query(CLAIM_SQL)
        .bind::<BigInt, _>(batch)
        .load(&mut conn)
        .await?;
    let brand = crate::brand::current(hearth);
    let mut sent = 0;
    for mail in claimed {
        let result = transport
            .send(
                &brand.name,
                &hearth.settings().mail_from,
                &Letter {
                    to: &mail.to_address,
                    subject: &mail.subject,
                    text: &mail.text_body,
                    html: &mail.html_body,
                    list_unsubscribe: mail.list_unsubscribe.as_deref(),
                },
            )
            .await;
        match result {
            Ok(where_) => {
                sent += 1;
                diesel::update(mail_outbox::table.find(mail.id))
                    .set((
                        mail_outbox::sent_at.eq(diesel::dsl::now),
                        mail_outbox::locked_until.eq(None::<DateTime<Utc>>),
                        mail_outbox::last_error.eq(None::<String>),
                    ))
                    .execute(&mut conn)
                    .await?;
                if SECRET_LINK_KINDS.contains(&mail.kind.as_str()) {
                    diesel::update(mail_outbox::table.find(mail.id))
                        .set((
                            mail_outbox::text_body.eq(REDACTED_BODY),
                            mail_outbox::html_body.eq(REDACTED_BODY),
                        ))
                        .execute(&mut conn)
                        .await?;
                }
                // Ids and kinds only: addresses and subjects are personal data, logs are kept elsewhere.
                tracing::info!(mail_id = mail.id, kind = %mail.kind, %where_, "mail sent");
            }
            Err(err) if err.permanent || mail.attempts >= MAX_ATTEMPTS => {
                diesel::update(mail_outbox::table.find(mail.id))
                    .set((
                        mail_outbox::gave_up_at.eq(diesel::dsl::now),
                        mail_outbox::locked_until.eq(None::<DateTime<Utc>>),
                        mail_outbox::last_error.eq(Some(err.to_string())),
                    ))
                    .execute(&mut conn)
                    .await?;
                tracing::error!(mail_id = mail.id, kind = %mail.kind, attempts = mail.attempts, error = %err, "mail given up");
            }
            Err(err) => {
                let wait = backoff(mail.attempts);
                let next = Utc::now()
                    + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::minutes(30));
                diesel::update(mail_outbox::table.find(mail.id))
                    .set((
                        mail_outbox::next_attempt_at.eq(next),
                        mail_outbox::locked_until.eq(None::<DateTime<Utc>>),
                        mail_outbox::last_error.eq(Some(err.to_string())),
                    ))
                    .execute(&mut conn)
                    .await?;
                tracing::warn!(mail_id = mail.id, kind = %mail.kind, attempts = mail.attempts, retry_in_s = wait.as_secs(), error = %err, "mail delivery failed");
            }
        }
    }
    Ok(sent)
}

/// The worker loop: delivers due mail, then sleeps until woken (a local enqueue) or a second passes.
pub async fn run_worker(hearth: Hearth, transport: Transport) {
    loop {
        let outcome = deliver_due(&hearth, &transport, CLAIM_BATCH).await;
        let busy = match outcome {
            Ok(n) => n > 0,
            Err(err) => {
                tracing::warn!(error = %err, "mail worker could not read the outbox");
                false
            }
        };
        if !busy {
            tokio::select! {
                _ = hearth.mailer_woken() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// How many messages wait (for metrics and readiness reports).
pub async fn pending_count(hearth: &Hearth) -> DomainResult<i64> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::gave_up_at.is_null())
        .count()
        .get_result(&mut conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(3), Duration::from_secs(20));
        assert_eq!(backoff(50), Duration::from_secs(30 * 60));
    }
}

#[cfg(test)]
mod outbox_tests {
    use super::*;
    use crate::testing;

    fn mail(to: &str, n: usize) -> OutgoingMail {
        OutgoingMail {
            kind: "test",
            to: to.into(),
            subject: format!("message {n}"),
            text: "text".into(),
            html: "<p>html</p>".into(),
        }
    }

    #[tokio::test]
    async fn concurrent_workers_send_each_message_exactly_once() {
        let (hearth, _db) = testing::hearth().await;
        let mut conn = db::conn(hearth.db()).await.unwrap();
        for n in 0..23 {
            enqueue(&mut conn, &mail(&format!("r{n}@example.com"), n))
                .await
                .unwrap();
        }
        let dir = std::env::temp_dir().join(format!("hearth-outbox-{}", crate::secrets::random_token(6)));
        let transport = Transport::new(None, &dir).unwrap();
        let workers = (0..4).map(|_| {
            let (hearth, transport) = (hearth.clone(), transport.clone());
            async move {
                let mut sent = 0;
                loop {
                    let n = deliver_due(&hearth, &transport, CLAIM_BATCH).await.unwrap();
                    if n == 0 {
                        break sent;
                    }
                    sent += n;
                }
            }
        });
        let sent: usize = futures_util::future::join_all(workers).await.into_iter().sum();
        assert_eq!(sent, 23);
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(files, 23, "one file per message, none twice");
        assert_eq!(pending_count(&hearth).await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn undeliverable_addresses_are_given_up_not_retried_forever() {
        let (hearth, _db) = testing::hearth().await;
        let mut conn = db::conn(hearth.db()).await.unwrap();
        enqueue(&mut conn, &mail("not an address", 0)).await.unwrap();
        let dir = std::env::temp_dir().join(format!("hearth-outbox-{}", crate::secrets::random_token(6)));
        let transport = Transport::new(None, &dir).unwrap();
        assert_eq!(deliver_due(&hearth, &transport, CLAIM_BATCH).await.unwrap(), 0);
        assert_eq!(pending_count(&hearth).await.unwrap(), 0, "given up");
        let (gave_up, error): (Option<DateTime<Utc>>, Option<String>) = mail_outbox::table
            .select((mail_outbox::gave_up_at, mail_outbox::last_error))
            .first(&mut conn)
            .await
            .unwrap();
        assert!(gave_up.is_some());
        assert!(error.unwrap_or_default().contains("recipient"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
