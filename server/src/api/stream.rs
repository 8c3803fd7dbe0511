//! `GET /api/v1/stream`: server-sent events. A signed-in member gets `notification` events (their bell); a page
//! that names a topic gets `post` events for it; `?talking_point=true` adds `talking_point` events (a new snapshot). Reconnecting with `Last-Event-ID` first replays what the Redis
//! stream still holds after that id, then continues live — no gaps, no repeats.

use actix_web::http::header::{self, ContentEncoding};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use domain::forums::{self, Viewer};
use domain::ids::TopicId;
use domain::live::{self, LiveEvent};
use domain::{DomainError, Hearth};
use serde::Deserialize;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::{ApiResult, Caller};

/// What an anonymous client may have replayed after reconnecting (the newest events; a member gets all the
/// Redis stream still holds).
pub const ANONYMOUS_REPLAY: usize = 100;

/// The open streams of this instance, by client address and by member, so that no one can hold them all.
#[derive(Default)]
pub struct OpenStreams {
    counts: std::sync::Mutex<(usize, std::collections::HashMap<String, usize>)>,
}

/// One open stream's place in [`OpenStreams`]; closing the stream (dropping this) gives it back.
pub struct StreamSlot {
    open: web::Data<OpenStreams>,
    keys: Vec<String>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut c) = self.open.counts.lock() {
            c.0 = c.0.saturating_sub(1);
            for key in &self.keys {
                if let Some(n) = c.1.get_mut(key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        c.1.remove(key);
                    }
                }
            }
        }
    }
}

impl OpenStreams {
    /// A slot for a new stream, or 429 past a cap.
    fn take(
        open: &web::Data<OpenStreams>,
        caps: crate::config::StreamCaps,
        address: &str,
        member: Option<i64>,
    ) -> Result<StreamSlot, DomainError> {
        let mut keys = vec![format!("a:{}", domain::ratelimit::address(address))];
        if let Some(m) = member {
            keys.push(format!("m:{m}"));
        }
        let mut c = open
            .counts
            .lock()
            .map_err(|_| DomainError::internal("the stream counts were poisoned"))?;
        let over = c.0 >= caps.total
            || c.1.get(&keys[0]).copied().unwrap_or(0) >= caps.per_address
            || keys
                .get(1)
                .is_some_and(|k| c.1.get(k).copied().unwrap_or(0) >= caps.per_member);
        if over {
            return Err(DomainError::RateLimited { retry_after: 10 });
        }
        c.0 += 1;
        for key in &keys {
            *c.1.entry(key.clone()).or_insert(0) += 1;
        }
        Ok(StreamSlot {
            open: open.clone(),
            keys,
        })
    }
}

/// A comment line every so often keeps proxies and browsers from closing an idle stream, and lets the server
/// notice a stream nobody reads any more (its write fails) within two of them, freeing its place.
pub const KEEPALIVE: Duration = Duration::from_secs(5);

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct StreamQuery {
    /// Also send `post` events of this topic (it must be visible to the caller).
    pub topic: Option<i64>,
    /// Also send `talking_point` events (Talking Point has a new snapshot); open to everyone.
    pub talking_point: Option<bool>,
    /// For clients that cannot set the `Last-Event-ID` header.
    pub last_event_id: Option<String>,
}

/// One event as the client gets it: a notification names only the client's member, not the others it is for.
fn sse(event: &LiveEvent, user: Option<i64>) -> Bytes {
    let data = if event.kind == "notification" {
        let mine = LiveEvent {
            user_ids: user.into_iter().collect(),
            ..event.clone()
        };
        serde_json::to_string(&mine)
    } else {
        serde_json::to_string(event)
    }
    .unwrap_or_else(|_| "{}".into());
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {data}\n\n",
        event.id, event.kind
    ))
}

struct Subscription {
    hearth: web::Data<Hearth>,
    /// The member as of the last check (re-checked every [`crate::config::StreamCaps::recheck`]).
    actor: Option<domain::accounts::Actor>,
    recheck: tokio::time::Interval,
    backlog: VecDeque<LiveEvent>,
    rx: tokio::sync::broadcast::Receiver<LiveEvent>,
    /// The last event id handled (sent or skipped), to drop what the backlog already covered.
    last: (u64, u64),
    topic: Option<i64>,
    talking_point: bool,
    user: Option<i64>,
    ping: tokio::time::Interval,
    hello: bool,
    _slot: StreamSlot,
}

impl Subscription {
    fn wants(&self, e: &LiveEvent) -> bool {
        match e.kind.as_str() {
            "post" => self.topic.is_some() && e.topic_id == self.topic,
            "notification" => self.user.is_some_and(|u| e.is_for(u)),
            "talking_point" => self.talking_point,
            _ => false,
        }
    }

    /// Whether the stream may go on: its session or token still holds (not logged out, ended, revoked, the
    /// account not being deleted) and its topic is still visible to whoever it is now. A failed check (the
    /// database busy) keeps the stream until the next one.
    async fn still_allowed(&mut self) -> bool {
        if let Some(actor) = &self.actor {
            match domain::accounts::recheck(&self.hearth, actor).await {
                Ok(Some(now)) => self.actor = Some(now),
                Ok(None) => return false,
                Err(e) => {
                    tracing::warn!(error = %e, "stream re-check failed; trying again later");
                    return true;
                }
            }
        }
        if let Some(topic) = self.topic {
            let viewer = Viewer::of(self.actor.as_ref());
            match forums::check_topic_visible(&self.hearth, &viewer, TopicId(topic)).await {
                Ok(()) => {}
                Err(DomainError::NotFound(_) | DomainError::Forbidden(_) | DomainError::Unauthenticated) => {
                    return false;
                }
                Err(e) => tracing::warn!(error = %e, "stream re-check failed; trying again later"),
            }
        }
        true
    }

    async fn next(mut self) -> Option<(Result<Bytes, actix_web::Error>, Self)> {
        if self.hello {
            self.hello = false;
            return Some((Ok(Bytes::from_static(b"retry: 2000\n: connected\n\n")), self));
        }
        loop {
            if let Some(e) = self.backlog.pop_front() {
                self.last = self.last.max(e.order());
                if self.wants(&e) {
                    return Some((Ok(sse(&e, self.user)), self));
                }
                continue;
            }
            tokio::select! {
                received = self.rx.recv() => match received {
                    Ok(e) => {
                        if e.order() <= self.last {
                            continue;
                        }
                        self.last = e.order();
                        if self.wants(&e) {
                            return Some((Ok(sse(&e, self.user)), self));
                        }
                    }
                    // Fell behind the in-process buffer: the client reconnects and resumes from its last id.
                    Err(RecvError::Lagged(_)) => return None,
                    Err(RecvError::Closed) => return None,
                },
                _ = self.ping.tick() => return Some((Ok(Bytes::from_static(b": ping\n\n")), self)),
                _ = self.recheck.tick() => {
                    if !self.still_allowed().await {
                        return None;
                    }
                }
            }
        }
    }
}

/// Server-sent events for the caller (notifications) and, with `?topic=`, that topic's new posts.
#[utoipa::path(get, path = "/api/v1/stream", tag = "notifications", params(StreamQuery),
    responses((status = 200, description = "text/event-stream: `post`, `notification` and `talking_point` events with ids"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many open streams from this address or member")))]
pub async fn stream(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    config: web::Data<crate::config::Config>,
    open: web::Data<OpenStreams>,
    caller: Caller,
    query: web::Query<StreamQuery>,
) -> ApiResult<HttpResponse> {
    let actor = caller.0.actor.as_ref();
    let talking_point = query.talking_point.unwrap_or(false);
    if let Some(topic) = query.topic {
        forums::check_topic_visible(&hearth, &Viewer::of(actor), TopicId(topic)).await?;
    } else if actor.is_none() && !talking_point {
        return Err(DomainError::Unauthenticated.into());
    }
    let slot = OpenStreams::take(&open, config.streams, &caller.0.client.ip, actor.map(|a| a.id.0))?;
    // Subscribe before reading the backlog, so that nothing falls between the two.
    let rx = hearth.live_sender().subscribe();
    let last_id = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query.last_event_id.clone());
    let (backlog, last) = match last_id
        .as_deref()
        .and_then(|id| live::parse_id(id).map(|o| (id, o)))
    {
        Some((id, order)) => {
            let mut backlog = live::since(&hearth, id).await?;
            if actor.is_none() && backlog.len() > ANONYMOUS_REPLAY {
                backlog.drain(..backlog.len() - ANONYMOUS_REPLAY);
            }
            (backlog, order)
        }
        None => (Vec::new(), (0, 0)),
    };
    let mut ping = tokio::time::interval(KEEPALIVE);
    ping.reset();
    let mut recheck = tokio::time::interval(config.streams.recheck);
    recheck.reset();
    let subscription = Subscription {
        hearth: hearth.clone(),
        actor: actor.cloned(),
        recheck,
        backlog: backlog.into(),
        rx,
        last,
        topic: query.topic,
        talking_point,
        user: actor.map(|a| a.id.0),
        ping,
        hello: true,
        _slot: slot,
    };
    let body = futures_util::stream::unfold(subscription, Subscription::next);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(ContentEncoding::Identity)
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
