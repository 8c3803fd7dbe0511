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
pub mod db;
pub mod error;
pub mod forums;
pub mod ideas;
pub mod ids;
pub mod kv;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod moderation;
pub mod notifications;
pub mod policy;
pub mod qa;
pub mod ratelimit;
pub mod reputation;
pub mod schema;
pub mod secrets;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;

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
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url)
            .field("secret", &self.secret)
            .field("mail_from", &self.mail_from)
            .finish()
    }
}

/// The handle every service takes: the PostgreSQL pool, Redis, settings and in-process caches.
/// Cheap to clone.
#[derive(Clone)]
pub struct Hearth {
    inner: Arc<Inner>,
}

struct Inner {
    db: db::DbPool,
    kv: kv::Kv,
    settings: Settings,
    brand: brand::BrandCache,
    categories: forums::CategoryCache,
    mail_wakeup: tokio::sync::Notify,
    live: tokio::sync::broadcast::Sender<live::LiveEvent>,
}

impl Hearth {
    /// Builds the handle and loads the brand into its cache.
    pub async fn new(db: db::DbPool, kv: kv::Kv, settings: Settings) -> DomainResult<Self> {
        let brand = brand::BrandCache::load(&db).await?;
        let categories = forums::CategoryCache::load(&db).await?;
        Ok(Hearth {
            inner: Arc::new(Inner {
                db,
                kv,
                settings,
                brand,
                categories,
                mail_wakeup: tokio::sync::Notify::new(),
                live: tokio::sync::broadcast::channel(1024).0,
            }),
        })
    }

    pub fn db(&self) -> &db::DbPool {
        &self.inner.db
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

    /// The live events of this instance (fed by [`live::run_hub`]).
    pub fn live_sender(&self) -> &tokio::sync::broadcast::Sender<live::LiveEvent> {
        &self.inner.live
    }

    /// A link to a path of the site (`/verify?token=…`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.inner.settings.base_url, path_and_query)
    }
}
