//! `/healthz` (the process answers), `/readyz` (PostgreSQL and Redis answer), `/metrics` (Prometheus).

use actix_web::{HttpResponse, web};
use domain::Hearth;
use serde_json::json;
use std::time::Duration;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

pub async fn readyz(hearth: web::Data<Hearth>) -> HttpResponse {
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

pub async fn metrics(hearth: web::Data<Hearth>) -> HttpResponse {
    if let Some(m) = crate::metrics::metrics() {
        let status = hearth.db().status();
        m.db_pool_size.set(status.size as i64);
        m.db_pool_available.set(status.available as i64);
        if let Ok(Ok(pending)) =
            tokio::time::timeout(Duration::from_secs(1), domain::mail::pending_count(&hearth)).await
        {
            m.mail_pending.set(pending);
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(crate::metrics::render())
}
