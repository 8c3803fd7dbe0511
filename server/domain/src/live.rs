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

/// One event: `post` (a post became visible in `topic_id`), `talking_point` (a new snapshot) or `notification` (new notifications for the members
/// in `user_ids`: one event for all the members one change told, however many they are).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The Redis stream id (`1700000000000-0`), increasing.
    #[serde(default)]
    pub id: String,
    pub kind: String,
    pub topic_id: Option<i64>,
    #[serde(default)]
    pub user_ids: Vec<i64>,
    pub post_id: Option<i64>,
    pub post_number: Option<i32>,
}

impl LiveEvent {
    pub fn post(topic_id: i64, post_id: i64, post_number: i32) -> LiveEvent {
        LiveEvent {
            id: String::new(),
            kind: "post".into(),
            topic_id: Some(topic_id),
            user_ids: Vec::new(),
            post_id: Some(post_id),
            post_number: Some(post_number),
        }
    }

    /// Talking Point has a new snapshot (pages fetch it).
    pub fn talking_point() -> LiveEvent {
        LiveEvent {
            id: String::new(),
            kind: "talking_point".into(),
            topic_id: None,
            user_ids: Vec::new(),
            post_id: None,
            post_number: None,
        }
    }

    /// New notifications for these members (`None` when there are none).
    pub fn notification(mut user_ids: Vec<i64>) -> Option<LiveEvent> {
        user_ids.sort_unstable();
        user_ids.dedup();
        (!user_ids.is_empty()).then(|| LiveEvent {
            id: String::new(),
            kind: "notification".into(),
            topic_id: None,
            user_ids,
            post_id: None,
            post_number: None,
        })
    }

    /// Whether a member is among those this event is for.
    pub fn is_for(&self, user: i64) -> bool {
        self.user_ids.binary_search(&user).is_ok()
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

/// Appends one event to the stream and publishes `id` + newline + event in one round trip.
const PUBLISH_LUA: &str = "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
redis.call('PUBLISH', KEYS[2], id .. '\\n' .. ARGV[2])
return id";

async fn try_publish(hearth: &Hearth, events: Vec<LiveEvent>) -> DomainResult<()> {
    static SCRIPT: std::sync::LazyLock<redis::Script> =
        std::sync::LazyLock::new(|| redis::Script::new(PUBLISH_LUA));
    let kv = hearth.kv();
    let mut conn = kv.conn();
    let (stream, channel) = (kv.key(STREAM), kv.key(CHANNEL));
    for event in events {
        let body = serde_json::to_string(&event).map_err(DomainError::internal)?;
        let _: String = SCRIPT
            .key(&stream)
            .key(&channel)
            .arg(KEEP)
            .arg(body)
            .invoke_async(&mut conn)
            .await?;
    }
    Ok(())
}

/// Reads a published message: the stream id, a newline, the event.
fn parse_message(message: &str) -> Option<LiveEvent> {
    let (id, body) = message.split_once('\n')?;
    let mut event: LiveEvent = serde_json::from_str(body).ok()?;
    event.id = id.to_owned();
    Some(event)
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
        if let Some(event) = parse_message(&body) {
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
            vec![
                LiveEvent::post(7, 70, 2),
                LiveEvent::notification(vec![5, 3, 5]).unwrap(),
            ],
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
        assert_eq!(second.kind, "notification");
        assert_eq!(second.user_ids, vec![3, 5], "each member once");
        assert!(second.is_for(3) && second.is_for(5) && !second.is_for(4));
        assert!(LiveEvent::notification(Vec::new()).is_none());
        assert!(second.order() > first.order());
        let replay = since(&hearth, &first.id).await.unwrap();
        assert_eq!(replay, vec![second.clone()], "only what came after");
        assert!(since(&hearth, "garbage").await.unwrap().is_empty());
        hub.abort();
    }
}
