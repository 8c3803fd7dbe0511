//! Browser sessions in Redis. The cookie carries an opaque 128-bit random id; Redis keeps the session under
//! a hash of that id (a leaked Redis dump reveals no usable cookie). Sessions expire after 30 idle days.

use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::kv::Kv;
use crate::secrets;
use crate::{DomainError, DomainResult};

/// The session cookie's name over plain http (development).
pub const COOKIE_NAME: &str = "hearth_session";
/// The session cookie's name over https: the `__Host-` prefix makes browsers refuse it unless it is `Secure`,
/// host-only and for `/`, so that no subdomain can plant a session (RFC 6265bis).
pub const HOST_COOKIE_NAME: &str = "__Host-hearth_session";

/// The session cookie's name for a site served over https or not.
pub fn cookie_name(https: bool) -> &'static str {
    if https { HOST_COOKIE_NAME } else { COOKIE_NAME }
}
/// Idle lifetime of a session, in seconds.
pub const TTL_SECONDS: u64 = 30 * 24 * 3600;
/// A member's session ends this long after it began, however active (then they log in again).
pub const ABSOLUTE_SECONDS: i64 = 30 * 24 * 3600;
/// The team's sessions (staff, moderators, product, admins: more power, more to lose) end sooner.
pub const TEAM_ABSOLUTE_SECONDS: i64 = 7 * 24 * 3600;
/// …and after half a day without a request.
pub const TEAM_IDLE_SECONDS: u64 = 12 * 3600;

/// Shortens a session's idle lifetime (a team member's).
pub async fn shorten_idle(kv: &Kv, key: &str, idle_secs: u64) -> DomainResult<()> {
    let mut conn = kv.conn();
    let _: bool = conn.expire(session_key(kv, key), idle_secs as i64).await?;
    Ok(())
}

/// Rewrites when a session began (tests of the absolute lifetime).
#[cfg(any(test, feature = "testing"))]
pub async fn backdate(kv: &Kv, key: &str, created_at: i64) -> DomainResult<()> {
    let mut conn = kv.conn();
    let raw: Option<String> = conn.get(session_key(kv, key)).await?;
    if let Some(mut data) = raw.and_then(|json| serde_json::from_str::<SessionData>(&json).ok()) {
        data.created_at = created_at;
        let json = serde_json::to_string(&data).map_err(DomainError::internal)?;
        let _: () = conn.set_ex(session_key(kv, key), json, TTL_SECONDS).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    pub user_id: UserId,
    pub created_at: i64,
    pub ip: String,
    pub user_agent: String,
    /// When a request last used it (kept to within [`LAST_SEEN_EVERY`]; 0 for sessions from before).
    #[serde(default)]
    pub last_seen: i64,
}

/// How stale a session's "last seen" may get before a request writes it again (one write per five minutes of
/// use, not one per request).
pub const LAST_SEEN_EVERY: i64 = 300;

/// A session as its owner sees it in their list of sessions.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub key: String,
    pub data: SessionData,
}

fn session_key(kv: &Kv, hash: &str) -> String {
    kv.key(&format!("session:{hash}"))
}

fn user_index_key(kv: &Kv, user_id: UserId) -> String {
    kv.key(&format!("user_sessions:{user_id}"))
}

/// The Redis-side key of a cookie value (what [`super::AuthMethod::Session`] carries).
pub fn key_of(cookie_value: &str) -> String {
    secrets::token_hash_hex(cookie_value)
}

/// Starts a session; returns the cookie value (shown once, never stored).
pub async fn create(kv: &Kv, user_id: UserId, ip: &str, user_agent: &str) -> DomainResult<String> {
    let token = secrets::random_token(16);
    let hash = key_of(&token);
    let data = SessionData {
        user_id,
        created_at: chrono::Utc::now().timestamp(),
        ip: ip.to_owned(),
        user_agent: user_agent.chars().take(200).collect(),
        last_seen: chrono::Utc::now().timestamp(),
    };
    let json = serde_json::to_string(&data).map_err(DomainError::internal)?;
    let mut conn = kv.conn();
    let index = user_index_key(kv, user_id);
    // The index has no lifetime of its own (a session kept alive for months must stay findable by
    // `destroy_all`); entries of expired sessions are pruned here and in `list`.
    prune(kv, &index).await?;
    redis::pipe()
        .atomic()
        .set_ex(session_key(kv, &hash), json, TTL_SECONDS)
        .sadd(&index, &hash)
        .query_async::<()>(&mut conn)
        .await?;
    Ok(token)
}

/// Removes index entries whose session has expired.
async fn prune(kv: &Kv, index: &str) -> DomainResult<()> {
    let mut conn = kv.conn();
    let keys: Vec<String> = conn.smembers(index).await?;
    if keys.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    for key in &keys {
        pipe.exists(session_key(kv, key));
    }
    let alive: Vec<bool> = pipe.query_async(&mut conn).await?;
    let dead: Vec<&String> = keys
        .iter()
        .zip(alive)
        .filter(|(_, a)| !a)
        .map(|(k, _)| k)
        .collect();
    if !dead.is_empty() {
        let _: i64 = conn.srem(index, dead).await?;
    }
    Ok(())
}

/// Loads the session of a cookie value and extends its idle lifetime. `None` when unknown or expired.
pub async fn load(kv: &Kv, cookie_value: &str) -> DomainResult<Option<(String, SessionData)>> {
    if cookie_value.is_empty() || cookie_value.len() > 64 {
        return Ok(None);
    }
    let hash = key_of(cookie_value);
    let mut conn = kv.conn();
    let raw: Option<String> = redis::cmd("GETEX")
        .arg(session_key(kv, &hash))
        .arg("EX")
        .arg(TTL_SECONDS)
        .query_async(&mut conn)
        .await?;
    let Some(mut data) = raw.and_then(|json| serde_json::from_str::<SessionData>(&json).ok()) else {
        return Ok(None);
    };
    let now = chrono::Utc::now().timestamp();
    if now - data.last_seen.max(data.created_at) > LAST_SEEN_EVERY {
        data.last_seen = now;
        let json = serde_json::to_string(&data).map_err(DomainError::internal)?;
        let _: () = redis::cmd("SET")
            .arg(session_key(kv, &hash))
            .arg(json)
            .arg("KEEPTTL")
            .arg("XX")
            .query_async(&mut conn)
            .await?;
    }
    Ok(Some((hash, data)))
}

/// A session's data by its key, without touching its lifetime (re-checking an open event stream).
pub async fn peek(kv: &Kv, key: &str) -> DomainResult<Option<SessionData>> {
    let mut conn = kv.conn();
    let raw: Option<String> = conn.get(session_key(kv, key)).await?;
    Ok(raw.and_then(|json| serde_json::from_str::<SessionData>(&json).ok()))
}

/// Ends one session (log-out). Idempotent.
pub async fn destroy(kv: &Kv, key: &str) -> DomainResult<()> {
    let mut conn = kv.conn();
    let raw: Option<String> = conn.get(session_key(kv, key)).await?;
    let mut pipe = redis::pipe();
    pipe.del(session_key(kv, key));
    if let Some(data) = raw.and_then(|json| serde_json::from_str::<SessionData>(&json).ok()) {
        pipe.srem(user_index_key(kv, data.user_id), key);
    }
    pipe.query_async::<()>(&mut conn).await?;
    Ok(())
}

/// Ends every session of a member, except `keep` (the session that asked, when changing a password).
pub async fn destroy_all(kv: &Kv, user_id: UserId, keep: Option<&str>) -> DomainResult<()> {
    let mut conn = kv.conn();
    let index = user_index_key(kv, user_id);
    let keys: Vec<String> = conn.smembers(&index).await?;
    let doomed: Vec<&String> = keys.iter().filter(|k| Some(k.as_str()) != keep).collect();
    if doomed.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    for key in doomed {
        pipe.del(session_key(kv, key)).srem(&index, key);
    }
    pipe.query_async::<()>(&mut conn).await?;
    Ok(())
}

/// The live sessions of a member, newest first (stale index entries are pruned).
pub async fn list(kv: &Kv, user_id: UserId) -> DomainResult<Vec<SessionInfo>> {
    let mut conn = kv.conn();
    let index = user_index_key(kv, user_id);
    let keys: Vec<String> = conn.smembers(&index).await?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let full: Vec<String> = keys.iter().map(|k| session_key(kv, k)).collect();
    let values: Vec<Option<String>> = conn.mget(&full).await?;
    let mut out = Vec::new();
    for (key, value) in keys.into_iter().zip(values) {
        match value.and_then(|json| serde_json::from_str::<SessionData>(&json).ok()) {
            Some(data) => out.push(SessionInfo { key, data }),
            None => {
                let _: i64 = conn.srem(&index, &key).await?;
            }
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.data.created_at));
    Ok(out)
}
