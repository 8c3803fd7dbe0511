//! Background work of an instance: the mail outbox, the brand and category cache refresh, the view-count flush
//! the ideas' trending scores, reputation, the staff inbox, event reminders, notification e-mail, Talking Point,
//! webhooks and live updates.

use domain::{Hearth, brand, club, forums, ideas, mail, reputation};
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often buffered topic views reach PostgreSQL (a lost Redis loses at most this window of views).
pub const VIEW_FLUSH_EVERY: Duration = Duration::from_secs(10);

/// How soon a change to a member's reputation shows (votes, acceptances, replies, idea statuses).
pub const REPUTATION_EVERY: Duration = Duration::from_secs(5);
pub const INBOX_SWEEP_EVERY: Duration = Duration::from_secs(60);
pub const NOTIFICATION_MAIL_EVERY: Duration = Duration::from_secs(2);
pub const DIGEST_EVERY: Duration = Duration::from_secs(600);
/// How often upcoming club events remind the members going (a day ahead, see `club::REMINDER_AHEAD`).
pub const REMINDER_SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How often the Insights worker asks whether a rollup is due (it runs every few minutes).
pub const INSIGHTS_TICK: Duration = Duration::from_secs(30);

pub fn spawn(hearth: &Hearth, transport: mail::Transport) -> Vec<JoinHandle<()>> {
    let mailer = tokio::spawn(mail::run_worker(hearth.clone(), transport));
    let refresher = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(brand::REFRESH_PERIOD);
            loop {
                tick.tick().await;
                if let Err(e) = brand::refresh_if_stale(&hearth).await {
                    tracing::warn!(error = %e, "brand refresh failed; keeping the cached brand");
                }
                if let Err(e) = forums::refresh_categories_if_stale(&hearth).await {
                    tracing::warn!(error = %e, "category refresh failed; keeping the cached categories");
                }
            }
        })
    };
    let views = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(VIEW_FLUSH_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = forums::view_counts::flush(&hearth).await {
                    tracing::warn!(error = %e, "view counts not flushed; retrying next window");
                }
            }
        })
    };
    let trending = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Votes add to the scores at once; the exact recompute (decay, the 30-day window) is due every
            // period, by one instance of all (not at start: a restart must not cost a recompute).
            let mut tick = tokio::time::interval(ideas::TRENDING_REFRESH);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = ideas::refresh_trending_if_due(&hearth).await {
                    tracing::warn!(error = %e, "trending scores not refreshed; retrying next round");
                }
            }
        })
    };
    let reputation = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Members marked by the triggers, a batch at a time until none is left; once a day (one instance
            // of all) everyone, so that old credit fades.
            if let Err(e) = reputation::defer_full_pass(&hearth).await {
                tracing::warn!(error = %e, "could not defer the daily reputation pass");
            }
            let mut tick = tokio::time::interval(REPUTATION_EVERY);
            loop {
                tick.tick().await;
                loop {
                    match reputation::recompute_dirty(&hearth).await {
                        Ok(n) if n == reputation::BATCH => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "reputation not recomputed; retrying next round");
                            break;
                        }
                    }
                }
                if let Err(e) = reputation::recompute_all_if_due(&hearth).await {
                    tracing::warn!(error = %e, "daily reputation pass failed; retrying next round");
                }
            }
        })
    };
    let inbox = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Questions that waited too long without an answer enter the staff inbox (idempotent: one row per
            // question, so several instances sweeping at once add each question once).
            let mut tick = tokio::time::interval(INBOX_SWEEP_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = domain::moderation::inbox::sweep(&hearth).await {
                    tracing::warn!(error = %e, "staff inbox not swept; retrying next round");
                }
            }
        })
    };
    let reminders = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(REMINDER_SWEEP_EVERY);
            loop {
                tick.tick().await;
                if let Err(e) = club::send_reminders(&hearth, chrono::Utc::now()).await {
                    tracing::warn!(error = %e, "event reminders not sent; retrying next round");
                }
            }
        })
    };
    let notification_mail = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Pending notifications become e-mail (now or in a digest); digests go out when due.
            let mut tick = tokio::time::interval(NOTIFICATION_MAIL_EVERY);
            let mut last_digest = std::time::Instant::now() - DIGEST_EVERY;
            loop {
                tick.tick().await;
                loop {
                    match domain::mail::notify::mail_pending(&hearth).await {
                        Ok(n) if n as i64 == domain::mail::notify::PENDING_BATCH => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "notification e-mail not prepared; retrying next round");
                            break;
                        }
                    }
                }
                if last_digest.elapsed() >= DIGEST_EVERY {
                    last_digest = std::time::Instant::now();
                    for period in ["daily", "weekly"] {
                        if let Err(e) =
                            domain::mail::notify::send_digests(&hearth, period, chrono::Utc::now()).await
                        {
                            tracing::warn!(error = %e, period, "digests not sent; retrying next round");
                        }
                    }
                }
            }
        })
    };
    let talking_point = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Counts what was published into Talking Point's buckets and re-ranks it when due (once across
            // instances), announcing each new snapshot to open pages.
            let mut tick = tokio::time::interval(domain::talking_point::TICK);
            let mut pending = false;
            loop {
                tick.tick().await;
                if let Err(e) = domain::talking_point::tick(&hearth, &mut pending).await {
                    tracing::warn!(error = %e, "Talking Point not updated; retrying next round");
                }
            }
        })
    };
    let insights = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // Rolls up today every few minutes, each day once more after it ended, and the earlier days whose
            // cohorts changed (once across instances).
            let mut tick = tokio::time::interval(INSIGHTS_TICK);
            loop {
                tick.tick().await;
                match domain::insights::rollup::refresh_if_due(&hearth).await {
                    Ok(Some(done)) => tracing::info!(days = done.days, "insights rolled up"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "insights not rolled up; retrying next round"),
                }
            }
        })
    };
    let privacy = {
        let hearth = hearth.clone();
        tokio::spawn(async move {
            // "Download my data" archives, and accounts whose grace period ended (SKIP LOCKED across instances).
            loop {
                match domain::privacy::run_once(&hearth).await {
                    Ok((0, 0)) => {}
                    Ok((built, erased)) => tracing::info!(built, erased, "member data exported or erased"),
                    Err(e) => tracing::warn!(error = %e, "member data worker failed; retrying next round"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(domain::privacy::TICK) => {}
                    _ = hearth.privacy_woken() => {}
                }
            }
        })
    };
    // The webhook outbox, delivered in order per endpoint (SKIP LOCKED across instances).
    let webhooks = tokio::spawn(domain::webhooks::delivery::run_worker(hearth.clone()));
    // Live events published by any instance, handed to this instance's SSE clients.
    let live = tokio::spawn(domain::live::run_hub(hearth.clone()));
    vec![
        mailer,
        refresher,
        views,
        trending,
        reputation,
        inbox,
        reminders,
        notification_mail,
        talking_point,
        insights,
        webhooks,
        privacy,
        live,
    ]
}
