//! Prometheus metrics: request counts and latencies per route, plus gauges read at scrape time.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};
use std::sync::OnceLock;

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub db_pool_size: IntGauge,
    pub db_pool_available: IntGauge,
    pub mail_pending: IntGauge,
}

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new_custom(Some("hearth".into()), None)?;
    let requests = IntCounterVec::new(
        Opts::new(
            "http_requests_total",
            "HTTP requests by method, route pattern and status",
        ),
        &["method", "route", "status"],
    )?;
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "http_request_duration_seconds",
            "HTTP request latency by method and route pattern",
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]),
        &["method", "route"],
    )?;
    let db_pool_size = IntGauge::new(
        "db_pool_connections",
        "PostgreSQL connections open in this instance's pool",
    )?;
    let db_pool_available = IntGauge::new("db_pool_available", "Idle PostgreSQL connections in the pool")?;
    let mail_pending = IntGauge::new("mail_outbox_pending", "E-mails waiting in the outbox")?;
    registry.register(Box::new(requests.clone()))?;
    registry.register(Box::new(latency.clone()))?;
    registry.register(Box::new(db_pool_size.clone()))?;
    registry.register(Box::new(db_pool_available.clone()))?;
    registry.register(Box::new(mail_pending.clone()))?;
    Ok(Metrics {
        registry,
        requests,
        latency,
        db_pool_size,
        db_pool_available,
        mail_pending,
    })
}

/// The process's metrics (`None` only if registration failed, which is a bug logged once).
pub fn metrics() -> Option<&'static Metrics> {
    static METRICS: OnceLock<Option<Metrics>> = OnceLock::new();
    METRICS
        .get_or_init(|| match build() {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!(error = %e, "metrics registration failed");
                None
            }
        })
        .as_ref()
}

/// The text exposition format.
pub fn render() -> String {
    let Some(m) = metrics() else { return String::new() };
    let mut buffer = Vec::new();
    if TextEncoder::new()
        .encode(&m.registry.gather(), &mut buffer)
        .is_err()
    {
        return String::new();
    }
    String::from_utf8(buffer).unwrap_or_default()
}
