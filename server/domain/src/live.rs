//! Live updates across app instances. An event is appended to a Redis stream (its id orders events and lets a
//! client that reconnects with `Last-Event-ID` resume without gaps) and published on a Redis channel; every
//! instance runs one subscriber ([`run_hub`]) that hands events to its connected clients through an in-process
//! broadcast. Events carry ids only (a topic, a post, a member): clients fetch what they may see.

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult, Hearth};

const STREAM: &str = "live:stream";
const CHANNEL: &str = "live";
/// Events kept for resuming (about the last few minutes of a busy community).
pub const KEEP: u64 = 10_000;

/// One event: `post` (a post became visible in `topic_id`) or `notification` (for `user_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The Redis stream id (`1700000000000-0`), increasing.
    #[serde(default)]
    pub id: String,
    pub kind: String,
    pub topic_id: Option<i64>,
    pub user_id: Option<i64>,
    pub post_id: Option<i64>,
    pub post_number: Option<i32>,
}

impl LiveEvent {
    pub fn post(topic_id: i64, post_id: i64, post_number: i32) -> LiveEvent {
        LiveEvent {
            id: String::new(),
            kind: "post".into(),
            topic_id: Some(topic_id),
            user_id: None,
            post_id: Some(post_id),
            post_number: Some(post_number),
        }
    }

    pub fn notification(user_id: i64) -> LiveEvent {
        LiveEvent {
            id: String::new(),
            kind: "notification".into(),
            topic_id: None,
            user_id: Some(user_id),
            post_id: None,
            post_number: None,
        }
    }

    /// The id as a comparable pair (milliseconds, sequence).
    pub fn order(&self) -> (u64, u64) {
        parse_id(&self.id).unwrap_or((0, 0))
    }
}

/// Parses a stream id `ms-seq`.
pub fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// Appends events to the stream and publishes them to every instance. Failures are logged, never fatal: live
/// updates are a convenience on top of what PostgreSQL already holds.
pub async fn publish(hearth: &Hearth, events: Vec<LiveEvent>) {
    if events.is_empty() {
        return;
    }
    if let Err(e) = try_publish(hearth, events).await {
        tracing::warn!(error = %e, "live event not published");
    }
}

async fn try_publish(hearth: &Hearth, events: Vec<LiveEvent>) -> DomainResult<()> {
    let kv = hearth.kv();
    let mut conn = kv.conn();
    for mut event in events {
        let body = serde_json::to_string(&event).map_err(DomainError::internal)?;
        let id: String = redis::cmd("XADD")
            .arg(kv.key(STREAM))
            .arg("MAXLEN")
            .arg("~")
            .arg(KEEP)
            .arg("*")
            .arg("e")
            .arg(&body)
            .query_async(&mut conn)
            .await?;
        event.id = id;
        let body = serde_json::to_string(&event).map_err(DomainError::internal)?;
        let _: i64 = redis::cmd("PUBLISH")
            .arg(kv.key(CHANNEL))
            .arg(body)
            .query_async(&mut conn)
            .await?;
    }
    Ok(())
}

/// Events after `last_id` still in the stream (for a client that reconnects), oldest first, at most 1,000.
pub async fn since(hearth: &Hearth, last_id: &str) -> DomainResult<Vec<LiveEvent>> {
    if parse_id(last_id).is_none() {
        return Ok(Vec::new());
    }
    let kv = hearth.kv();
    let mut conn = kv.conn();
    let rows: Vec<(String, Vec<(String, String)>)> = redis::cmd("XRANGE")
        .arg(kv.key(STREAM))
        .arg(format!("({last_id}"))
        .arg("+")
        .arg("COUNT")
        .arg(1000)
        .query_async(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, fields)| {
            let body = fields.into_iter().find(|(k, _)| k == "e")?.1;
            let mut event: LiveEvent = serde_json::from_str(&body).ok()?;
            event.id = id;
            Some(event)
        })
        .collect())
}

/// This instance's subscriber: forwards every published event to the local broadcast; reconnects after errors.
pub async fn run_hub(hearth: Hearth) {
    loop {
        if let Err(e) = hub_once(&hearth).await {
            tracing::warn!(error = %e, "live updates: Redis subscription lost; reconnecting");
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

async fn hub_once(hearth: &Hearth) -> DomainResult<()> {
    let mut pubsub = hearth.kv().client().get_async_pubsub().await?;
    pubsub.subscribe(hearth.kv().key(CHANNEL)).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let Ok(body) = message.get_payload::<String>() else {
            continue;
        };
        if let Ok(event) = serde_json::from_str::<LiveEvent>(&body) {
            // No receivers is fine: nobody is connected to this instance right now.
            let _ = hearth.live_sender().send(event);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn published_events_reach_the_local_broadcast_and_the_stream_replays_them() {
        let (hearth, _db) = crate::testing::hearth().await;
        let mut rx = hearth.live_sender().subscribe();
        let hub = tokio::spawn(run_hub(hearth.clone()));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        publish(
            &hearth,
            vec![LiveEvent::post(7, 70, 2), LiveEvent::notification(3)],
        )
        .await;
        let first = tokio::time::timeout(std::time::Duration::from_secs(3), rx.recv())
            .await
            .unwrap()
            .unwrap();
        let second = tokio::time::timeout(std::time::Duration::from_secs(3), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((first.kind.as_str(), first.post_id), ("post", Some(70)));
        assert_eq!((second.kind.as_str(), second.user_id), ("notification", Some(3)));
        assert!(second.order() > first.order());
        let replay = since(&hearth, &first.id).await.unwrap();
        assert_eq!(replay, vec![second.clone()], "only what came after");
        assert!(since(&hearth, "garbage").await.unwrap().is_empty());
        hub.abort();
    }
}
