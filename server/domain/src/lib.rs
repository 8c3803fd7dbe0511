//! Hearth's domain: the schema, rows, queries and services of every capability.
//!
//! Nothing here knows about HTTP, actix or Leptos. Every action follows the same order: who is asking →
//! load → check permission → change inside a transaction → audit row → return the view. Inputs are parsed
//! once into types that are valid by construction; errors are typed ([`DomainError`]).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod audit;
pub mod brand;
pub mod club;
pub mod cursor;
pub mod db;
pub mod error;
pub mod forums;
pub mod ideas;
pub mod ids;
pub mod insights;
pub mod kv;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod moderation;
pub mod notifications;
#[cfg(test)]
mod overload_tests;
pub mod policy;
pub mod privacy;
pub mod qa;
pub mod ratelimit;
pub mod reputation;
pub mod schema;
pub mod secrets;
pub mod talking_point;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod webhooks;

use std::sync::Arc;

pub use error::{DomainError, DomainResult, FieldErrors};

/// Settings the domain needs from the outside world. Built by the server from its configuration.
#[derive(Clone)]
pub struct Settings {
    /// The public address of the site, without a trailing slash (`https://community.example.com`).
    pub base_url: String,
    /// Key for signed links and cookies; long random bytes.
    pub secret: secrets::Secret,
    /// Sender of every e-mail (`community@example.com`); the display name is the brand's name.
    pub mail_from: String,
    /// How webhooks are delivered (the SSRF guard's development switch, the retry schedule).
    pub webhooks: webhooks::Config,
    /// Searches, similar-title suggestions and previews each, per member or address and minute.
    pub reads_per_minute: u64,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("secret", &self.secret)
            .field("mail_from", &self.mail_from)
            .field("webhooks", &self.webhooks)
            .field("reads_per_minute", &self.reads_per_minute)
            .finish()
    }
}

/// The handle every service takes: the PostgreSQL pool, Redis, settings and in-process caches.
/// Cheap to clone.
///
/// Requests and background workers draw on separate pools ([`Hearth::background`]), and expensive reads
/// (search, suggestions, exports) on a share of the request pool ([`Hearth::expensive`]), so that a flood of
/// one kind of work cannot take every connection from the rest.
#[derive(Clone)]
pub struct Hearth {
    inner: Arc<Inner>,
    /// Whether this handle draws on the background pool.
    background: bool,
}

/// The PostgreSQL pools of an instance and how requests share them.
#[derive(Clone)]
pub struct Pools {
    /// Serves requests. Its wait timeout (see [`db::connect`]) is how long a request waits for a connection
    /// before it is answered "busy" (503).
    pub requests: db::DbPool,
    /// Serves the background workers (mail, digests, reputation, caches): they keep working while requests
    /// hold every connection of the other pool.
    pub background: db::DbPool,
    /// How many expensive reads (search, similar-title suggestions, exports) may run at once.
    pub expensive_limit: usize,
    /// How long an expensive read waits for its turn before it is answered "busy".
    pub expensive_wait: std::time::Duration,
}

impl Pools {
    /// One pool for everything (tools and tests); expensive reads get a quarter of it.
    pub fn single(pool: db::DbPool) -> Pools {
        let size = pool.status().max_size;
        Pools {
            requests: pool.clone(),
            background: pool,
            expensive_limit: (size / 4).max(1),
            expensive_wait: std::time::Duration::from_secs(1),
        }
    }
}

struct Inner {
    db: db::DbPool,
    background_db: db::DbPool,
    expensive: tokio::sync::Semaphore,
    expensive_wait: std::time::Duration,
    kv: kv::Kv,
    settings: Settings,
    brand: brand::BrandCache,
    categories: forums::CategoryCache,
    mail_wakeup: tokio::sync::Notify,
    privacy_wakeup: tokio::sync::Notify,
    live: tokio::sync::broadcast::Sender<live::LiveEvent>,
}

impl Hearth {
    /// Builds the handle on one pool and loads the brand into its cache.
    pub async fn new(db: db::DbPool, kv: kv::Kv, settings: Settings) -> DomainResult<Self> {
        Hearth::with_pools(Pools::single(db), kv, settings).await
    }

    /// Builds the handle on separate request and background pools and loads the brand into its cache.
    pub async fn with_pools(pools: Pools, kv: kv::Kv, settings: Settings) -> DomainResult<Self> {
        let brand = brand::BrandCache::load(&pools.background).await?;
        let categories = forums::CategoryCache::load(&pools.background).await?;
        Ok(Hearth {
            background: false,
            inner: Arc::new(Inner {
                db: pools.requests,
                background_db: pools.background,
                expensive: tokio::sync::Semaphore::new(pools.expensive_limit.max(1)),
                expensive_wait: pools.expensive_wait,
                kv,
                settings,
                brand,
                categories,
                mail_wakeup: tokio::sync::Notify::new(),
                privacy_wakeup: tokio::sync::Notify::new(),
                live: tokio::sync::broadcast::channel(1024).0,
            }),
        })
    }

    /// The pool this handle draws on: the request pool, or the background pool for [`Hearth::background`].
    pub fn db(&self) -> &db::DbPool {
        if self.background {
            &self.inner.background_db
        } else {
            &self.inner.db
        }
    }

    /// The same services drawing on the background pool: what the workers use.
    pub fn background(&self) -> Hearth {
        Hearth {
            inner: self.inner.clone(),
            background: true,
        }
    }

    /// A turn for an expensive read (search, suggestions, exports): at most a share of the request pool runs
    /// them at once, so that a flood of them leaves connections for every other page. Waits briefly, then
    /// answers [`DomainError::Unavailable`] (503 with `Retry-After`). Background work is never limited.
    pub async fn expensive(&self) -> DomainResult<Option<tokio::sync::SemaphorePermit<'_>>> {
        if self.background {
            return Ok(None);
        }
        match tokio::time::timeout(self.inner.expensive_wait, self.inner.expensive.acquire()).await {
            Ok(Ok(permit)) => Ok(Some(permit)),
            Ok(Err(_closed)) => Err(DomainError::internal("the expensive-read limit was closed")),
            Err(_elapsed) => Err(DomainError::Unavailable { retry_after: 2 }),
        }
    }

    pub fn kv(&self) -> &kv::Kv {
        &self.inner.kv
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn brand_cache(&self) -> &brand::BrandCache {
        &self.inner.brand
    }

    pub fn category_cache(&self) -> &forums::CategoryCache {
        &self.inner.categories
    }

    /// Wakes the mail worker of this process (other processes poll).
    pub fn wake_mailer(&self) {
        self.inner.mail_wakeup.notify_one();
    }

    pub async fn mailer_woken(&self) {
        self.inner.mail_wakeup.notified().await;
    }

    /// Wakes this process's data export and account deletion worker (other processes poll).
    pub fn wake_privacy(&self) {
        self.inner.privacy_wakeup.notify_one();
    }

    pub async fn privacy_woken(&self) {
        self.inner.privacy_wakeup.notified().await;
    }

    /// The live events of this instance (fed by [`live::run_hub`]).
    pub fn live_sender(&self) -> &tokio::sync::broadcast::Sender<live::LiveEvent> {
        &self.inner.live
    }

    /// A link to a path of the site (`/verify?token=…`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.inner.settings.base_url, path_and_query)
    }
}
