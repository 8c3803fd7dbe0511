//! `/healthz` (the process answers), `/readyz` (PostgreSQL and Redis answer), `/metrics` (Prometheus).

use actix_web::{HttpRequest, HttpResponse, web};
use domain::Hearth;
use serde_json::json;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Config;

/// Whether the caller may read `/readyz` and `/metrics`: the bearer `HEARTH_METRICS_TOKEN`, or a direct request
/// from this machine (loopback peer, not behind a proxy). Anyone else gets a plain 404: they are not there.
fn operator(req: &HttpRequest, config: &Config) -> bool {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let (Some(expected), Some(given)) = (&config.metrics_token, bearer) {
        let expected = String::from_utf8_lossy(expected.expose()).into_owned();
        return domain::secrets::token_hash(given) == domain::secrets::token_hash(&expected);
    }
    !config.trust_proxy && req.peer_addr().is_some_and(|a| a.ip().is_loopback())
}

fn hidden() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("not found")
}

/// The mail queue's length is counted at most this often (a scrape every few seconds must not cost a count).
const PENDING_EVERY: Duration = Duration::from_secs(15);
static PENDING: Mutex<Option<(Instant, i64)>> = Mutex::new(None);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

pub async fn readyz(req: HttpRequest, config: web::Data<Config>, hearth: web::Data<Hearth>) -> HttpResponse {
    if !operator(&req, &config) {
        return hidden();
    }
    let timeout = Duration::from_secs(2);
    let db = tokio::time::timeout(timeout, domain::db::ping(hearth.db())).await;
    let kv = tokio::time::timeout(timeout, hearth.kv().ping()).await;
    let describe = |r: Result<domain::DomainResult<()>, tokio::time::error::Elapsed>| match r {
        Ok(Ok(())) => "ok".to_owned(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            "unavailable".to_owned()
        }
        Err(_) => "timeout".to_owned(),
    };
    let (db, kv) = (describe(db), describe(kv));
    let ready = db == "ok" && kv == "ok";
    let body = json!({ "status": if ready { "ready" } else { "unavailable" }, "postgres": db, "redis": kv });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

pub async fn metrics(req: HttpRequest, config: web::Data<Config>, hearth: web::Data<Hearth>) -> HttpResponse {
    if !operator(&req, &config) {
        return hidden();
    }
    if let Some(m) = crate::metrics::metrics() {
        let status = hearth.db().status();
        m.db_pool_size.set(status.size as i64);
        m.db_pool_available.set(status.available as i64);
        let cached = PENDING
            .lock()
            .ok()
            .and_then(|p| *p)
            .filter(|(at, _)| at.elapsed() < PENDING_EVERY);
        match cached {
            Some((_, pending)) => m.mail_pending.set(pending),
            None => {
                if let Ok(Ok(pending)) =
                    tokio::time::timeout(Duration::from_secs(1), domain::mail::pending_count(&hearth)).await
                {
                    m.mail_pending.set(pending);
                    if let Ok(mut p) = PENDING.lock() {
                        *p = Some((Instant::now(), pending));
                    }
                }
            }
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::metrics::render())
}
