//! The `hearth` server: configuration, start-up, middleware, the REST API v1, background workers, health and
//! metrics. Pages and server functions come from the `app` crate; the rules live in `domain`.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod brand_routes;
pub mod config;
pub mod export_routes;
pub mod health;
pub mod metrics;
pub mod middleware;
pub mod seed;
pub mod seed_scale;
pub mod startup;
pub mod telemetry;
pub mod webhook_routes;
pub mod workers;

pub use config::Config;
pub use startup::{Application, StartupError};
