//! Redis: sessions, rate-limit windows, caches and pub/sub. Everything here may be lost and rebuilt;
//! nothing a member did lives only in Redis. Every key is namespaced by a prefix, so that several
//! communities (or parallel tests) can share one Redis.

use redis::aio::ConnectionManager;
use std::time::Duration;

use crate::{DomainError, DomainResult};

#[derive(Clone)]
pub struct Kv {
    conn: ConnectionManager,
    client: redis::Client,
    prefix: String,
}

impl Kv {
    /// Connects (and checks the server answers within 5 seconds).
    pub async fn connect(redis_url: &str, prefix: &str) -> DomainResult<Kv> {
        let client = redis::Client::open(redis_url).map_err(|e| DomainError::internal(e.to_string()))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let conn = tokio::time::timeout(
            Duration::from_secs(6),
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| DomainError::internal("no answer within 5 seconds"))?
        .map_err(|e| DomainError::internal(e.to_string()))?;
        let kv = Kv {
            conn,
            client,
            prefix: prefix.to_owned(),
        };
        kv.ping().await?;
        Ok(kv)
    }

    /// The full key for a name (`session:…` → `hearth:session:…`).
    pub fn key(&self, name: &str) -> String {
        format!("{}{}", self.prefix, name)
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A multiplexed connection; clones are cheap and share one socket.
    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// The client, for pub/sub connections of their own.
    pub fn client(&self) -> &redis::Client {
        &self.client
    }

    pub async fn ping(&self) -> DomainResult<()> {
        let mut conn = self.conn();
        let pong: String = redis::cmd("PING").query_async(&mut conn).await?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(DomainError::internal(format!("redis answered {pong}")))
        }
    }

    /// Takes a (prefixed) key for `ttl_secs` unless it exists (`SET NX EX`): whether this caller got it. Used to
    /// let one instance of several do a periodic job.
    pub async fn set_nx_ex(&self, name: &str, value: &str, ttl_secs: u64) -> DomainResult<bool> {
        let mut conn = self.conn();
        let taken: Option<String> = redis::cmd("SET")
            .arg(self.key(name))
            .arg(value)
            .arg("NX")
            .arg("EX")
            .arg(ttl_secs.max(1))
            .query_async(&mut conn)
            .await?;
        Ok(taken.is_some())
    }

    /// Sets a (prefixed) key for `ttl_secs`.
    pub async fn set_ex(&self, name: &str, value: &str, ttl_secs: u64) -> DomainResult<()> {
        let mut conn = self.conn();
        let _: () = redis::cmd("SET")
            .arg(self.key(name))
            .arg(value)
            .arg("EX")
            .arg(ttl_secs.max(1))
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    /// Reads and removes a (prefixed) key at once (`GETDEL`): a value shown once.
    pub async fn take(&self, name: &str) -> DomainResult<Option<String>> {
        let mut conn = self.conn();
        Ok(redis::cmd("GETDEL")
            .arg(self.key(name))
            .query_async(&mut conn)
            .await?)
    }

    /// Publishes a message on a (prefixed) channel.
    pub async fn publish(&self, channel: &str, message: &str) -> DomainResult<()> {
        let mut conn = self.conn();
        let _: i64 = redis::cmd("PUBLISH")
            .arg(self.key(channel))
            .arg(message)
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}
