//! Talking Point: a public, live page of what customers are talking about now — themes rising against their own
//! usual level, hot conversations, the brand's answers, questions waiting — fed by the community and by
//! mentions from outside it.
//!
//! How it stays fast: publishing a post or ingesting a mention only appends to a queue (database triggers);
//! a worker counts the queue into hourly buckets per term ([`counting`]), a ranking pass turns the buckets into
//! one snapshot row ([`ranking`]), and the page reads that row. Only public, published content ever counts.

pub mod counting;
pub mod mentions;
pub mod ranking;
pub mod staff;
pub mod terms;

#[cfg(test)]
mod tests;

use chrono::Utc;
use std::time::Duration;

pub use ranking::{Snapshot, Theme};

use crate::{DomainResult, Hearth, live};

/// How often the worker looks at the queue.
pub const TICK: Duration = Duration::from_secs(2);
/// The ranking is recomputed at most this often when something new was counted (across instances)…
pub const REFRESH_AFTER_CHANGE: Duration = Duration::from_secs(10);
/// …and at least this often anyway (the last hour moves on; decay).
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// One round of the worker: drains the queue, and recomputes the ranking when it is due — at most once per
/// [`REFRESH_AFTER_CHANGE`] across instances after a change (`pending` remembers a change not yet ranked),
/// once per [`REFRESH_EVERY`] otherwise. A new snapshot is announced to open pages with one `talking_point`
/// live event (never one per post). Returns whether it recomputed.
pub async fn tick(hearth: &Hearth, pending: &mut bool) -> DomainResult<bool> {
    loop {
        let n = counting::drain(hearth).await?;
        if n > 0 {
            *pending = true;
        }
        if n < counting::BATCH as usize {
            break;
        }
    }
    let kv = hearth.kv();
    let due = if *pending {
        kv.set_nx_ex("talking-point:refreshed", "1", REFRESH_AFTER_CHANGE.as_secs())
            .await?
    } else {
        kv.set_nx_ex("talking-point:refreshed-idle", "1", REFRESH_EVERY.as_secs())
            .await?
    };
    if !due {
        return Ok(false);
    }
    *pending = false;
    counting::prune(hearth).await?;
    ranking::refresh(hearth, Utc::now()).await?;
    announce(hearth).await;
    Ok(true)
}

/// Recomputes the ranking now (after a staff change) and announces it.
pub async fn refresh_now(hearth: &Hearth) -> DomainResult<Snapshot> {
    while counting::drain(hearth).await? == counting::BATCH as usize {}
    let snapshot = ranking::refresh(hearth, Utc::now()).await?;
    announce(hearth).await;
    Ok(snapshot)
}

async fn announce(hearth: &Hearth) {
    live::publish(hearth, vec![live::LiveEvent::talking_point()]).await;
}

/// The page's data, as last computed.
pub async fn current(hearth: &Hearth) -> DomainResult<Snapshot> {
    ranking::current(hearth).await
}
