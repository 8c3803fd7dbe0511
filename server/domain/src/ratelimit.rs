//! Fixed-window rate limits in Redis. A window is a counter key that expires at the end of the window;
//! `Retry-After` is the key's remaining lifetime.

use crate::kv::Kv;
use crate::{DomainError, DomainResult};

/// At most `max` events per `window_secs` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u64,
    pub window_secs: u64,
}

impl Limit {
    pub const fn new(max: u64, window_secs: u64) -> Limit {
        Limit { max, window_secs }
    }
}

/// The key of a client address for per-address limits: an IPv4 address as it is (an IPv4-mapped IPv6 one as
/// the IPv4 address), an IPv6 address by its /64 (one subscriber gets a whole /64 and can pick any address in
/// it), anything else as given.
pub fn address(ip: &str) -> String {
    match ip.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => ip.to_owned(),
    }
}

/// Reads that cost the database real work (search, similar-title suggestions, the composer's preview): at most
/// `per_minute` of each kind per member (signed in) or per client address (anonymous), so that one client
/// cannot make the rest wait. Over it: 429 with `Retry-After`.
pub async fn expensive_read(
    hearth: &crate::Hearth,
    kind: &str,
    member: Option<crate::ids::UserId>,
    ip: &str,
) -> DomainResult<()> {
    let per_minute = hearth.settings().reads_per_minute;
    let who = match member {
        Some(id) => format!("m:{id}"),
        None => format!("a:{}", address(ip)),
    };
    hit(
        hearth.kv(),
        &format!("read:{kind}:{who}"),
        Limit::new(per_minute, 60),
    )
    .await
}

// INCR the counter; start its window when it is new. Returns {count, ttl}.
const HIT_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
";

fn key(kv: &Kv, name: &str) -> String {
    kv.key(&format!("rl:{name}"))
}

/// Counts one event; refuses it (and every further one in the window) beyond the limit.
pub async fn hit(kv: &Kv, name: &str, limit: Limit) -> DomainResult<()> {
    let (count, ttl) = count_event(kv, name, limit).await?;
    if count > limit.max {
        return Err(DomainError::RateLimited {
            retry_after: ttl.max(1),
        });
    }
    Ok(())
}

/// Counts one event without refusing it (e.g. a failed log-in); returns the count in this window.
pub async fn count_event(kv: &Kv, name: &str, limit: Limit) -> DomainResult<(u64, u64)> {
    let mut conn = kv.conn();
    let (count, ttl): (i64, i64) = redis::Script::new(HIT_SCRIPT)
        .key(key(kv, name))
        .arg(limit.window_secs)
        .invoke_async(&mut conn)
        .await?;
    Ok((count.max(0) as u64, ttl.max(0) as u64))
}

/// Refuses when any of the windows is already full, without counting. Checks all in one round trip.
pub async fn check_all(kv: &Kv, windows: &[(&str, Limit)]) -> DomainResult<()> {
    if windows.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    for (name, _) in windows {
        let k = key(kv, name);
        pipe.get(&k).ttl(&k);
    }
    let mut conn = kv.conn();
    let values: Vec<(Option<u64>, i64)> = {
        let raw: Vec<redis::Value> = pipe.query_async(&mut conn).await?;
        raw.chunks(2)
            .map(|pair| {
                let count = redis::from_redis_value::<Option<u64>>(pair[0].clone()).unwrap_or(None);
                let ttl = redis::from_redis_value::<i64>(pair[1].clone()).unwrap_or(-1);
                (count, ttl)
            })
            .collect()
    };
    let mut retry_after = 0;
    for ((_, limit), (count, ttl)) in windows.iter().zip(values) {
        if count.unwrap_or(0) >= limit.max {
            retry_after = retry_after.max(ttl.max(1) as u64);
        }
    }
    if retry_after > 0 {
        Err(DomainError::RateLimited { retry_after })
    } else {
        Ok(())
    }
}

/// Gives one event of a window back (a successful log-in does not use up its address's budget).
pub async fn refund(kv: &Kv, name: &str) -> DomainResult<()> {
    const REFUND: &str = "local n = tonumber(redis.call('GET', KEYS[1]) or '0') if n > 0 then redis.call('DECR', KEYS[1]) end return 0";
    let mut conn = kv.conn();
    let _: i64 = redis::Script::new(REFUND)
        .key(key(kv, name))
        .invoke_async(&mut conn)
        .await?;
    Ok(())
}

/// Forgets a window (e.g. failed log-ins after a successful one).
pub async fn clear(kv: &Kv, name: &str) -> DomainResult<()> {
    let mut conn = kv.conn();
    let _: i64 = redis::cmd("DEL")
        .arg(key(kv, name))
        .query_async(&mut conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod address_tests {
    use super::address;

    #[test]
    fn ipv6_addresses_share_their_64_and_mapped_ones_are_ipv4() {
        assert_eq!(address("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_ne!(address("2001:db8:1:3::1"), address("2001:db8:1:2::1"));
        assert_eq!(address("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(address("203.0.113.9"), "203.0.113.9");
        assert_eq!(address("unknown"), "unknown");
    }
}
