//! Middleware, outermost first: `observe` (request id, structured log, metrics) → `security_headers` →
//! `page_cache` (anonymous pages) → `admission` (the in-flight bound) → `body_limit` → `origin_check` (CSRF) → `server_fn_errors` → `context` (who is asking, from where).

mod context;
mod observe;
mod origin;
pub mod page_cache;

pub use context::context;
pub use observe::observe;
pub use origin::{origin_check, same_origin};
pub use page_cache::page_cache;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

use crate::api::ApiError;
use crate::config::Config;
use domain::accounts::sessions;

/// Largest request body the server reads (JSON bodies are further limited to 64 KiB).
pub const BODY_LIMIT: u64 = 1024 * 1024;

/// Security headers on every response.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req.app_data::<web::Data<Config>>().is_some_and(|c| c.https());
    // What a member sees and what the API answers must not stay in a shared or browser cache.
    // (Static assets and the logo are the same for everyone and keep their own caching.)
    let path = req.path();
    let shared = ["/pkg/", "/brand/logo", "/favicon"]
        .iter()
        .any(|p| path.starts_with(p));
    let personal = path.starts_with("/api/")
        || (!shared
            && (req.headers().contains_key(header::AUTHORIZATION)
                || [sessions::COOKIE_NAME, sessions::HOST_COOKIE_NAME]
                    .iter()
                    .any(|name| req.cookie(name).is_some_and(|c| !c.value().is_empty()))));
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let set = |headers: &mut header::HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    Ok(res)
}

/// The bound on requests one instance works on at once (`HEARTH_MAX_INFLIGHT`).
pub struct Admission(tokio::sync::Semaphore);

impl Admission {
    pub fn new(limit: usize) -> Admission {
        Admission(tokio::sync::Semaphore::new(limit.max(1)))
    }
}

/// Sheds load: past the in-flight bound a request is answered at once with 503 and `Retry-After` instead of
/// queueing behind the others until everything times out. Static assets, health checks and open event
/// streams (long-lived by design, capped on their own) are not counted; anonymous pages served from the page
/// cache never reach this (the cache sits outside it).
pub async fn admission(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let path = req.path();
    let exempt = path.starts_with("/pkg/")
        || matches!(
            path,
            "/healthz" | "/readyz" | "/metrics" | "/api/v1/stream" | "/favicon.svg"
        );
    let admission = req.app_data::<web::Data<Admission>>().cloned();
    let _permit = match (&admission, exempt) {
        (Some(admission), false) => match admission.0.try_acquire() {
            Ok(permit) => Some(permit),
            Err(_) => {
                tracing::warn!(path = %req.path(), "too many requests in flight; answering busy");
                let response = refuse(
                    &req,
                    ApiError::Domain(domain::DomainError::Unavailable { retry_after: 1 }),
                );
                return Ok(req.into_response(response).map_into_right_body());
            }
        },
        _ => None,
    };
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// Refuses bodies larger than [`BODY_LIMIT`] (413): announced ones before reading them, chunked ones (no
/// `Content-Length`) as soon as they pass the limit, so that memory stays bounded either way.
pub async fn body_limit(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let headers = req.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = length.is_none() && headers.contains_key(header::TRANSFER_ENCODING);
    let too_large = || actix_web::ResponseError::error_response(&ApiError::PayloadTooLarge);
    if length.is_some_and(|n| n > BODY_LIMIT) {
        return Ok(req.into_response(too_large()).map_into_right_body());
    }
    if chunked {
        use actix_web::HttpMessage;
        use futures_util::StreamExt;
        let mut payload = req.take_payload();
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > BODY_LIMIT as usize {
                return Ok(req.into_response(too_large()).map_into_right_body());
            }
            body.extend_from_slice(&chunk);
        }
        req.set_payload(actix_http::Payload::from(body.freeze()));
    }
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// One-click unsubscribe (RFC 8058) at the very URL the `List-Unsubscribe` header names, the unsubscribe page:
/// a mail client POSTs `List-Unsubscribe=One-Click` there, without a cookie. Answered here, before the page:
/// 200 with the preference changed, or 403 for a forged or broken link. (`GET` still shows the page.)
pub async fn one_click_unsubscribe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    if req.method() != actix_web::http::Method::POST || req.path() != "/unsubscribe" {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    #[derive(serde::Deserialize)]
    struct Link {
        u: i64,
        t: String,
        s: String,
    }
    let hearth = req.app_data::<web::Data<domain::Hearth>>().cloned();
    let link = web::Query::<Link>::from_query(req.query_string()).ok();
    let refused = || {
        actix_web::ResponseError::error_response(&ApiError::Domain(domain::DomainError::forbidden(
            "This unsubscribe link is not valid.",
        )))
    };
    let response = match (hearth, link) {
        (Some(hearth), Some(link)) => {
            match domain::mail::notify::unsubscribe(&hearth, link.u, &link.t, &link.s).await {
                Ok(stopped) => HttpResponse::Ok()
                    .content_type("text/plain; charset=utf-8")
                    .body(format!("Unsubscribed: no more e-mails about {stopped}.")),
                Err(domain::DomainError::Forbidden(_)) | Err(domain::DomainError::Invalid(_)) => refused(),
                Err(e) => actix_web::ResponseError::error_response(&ApiError::Domain(e)),
            }
        }
        _ => refused(),
    };
    Ok(req.into_response(response).map_into_right_body())
}

/// Server functions answer 500 for every error the framework raises itself — including requests whose
/// arguments cannot be read. Those are the caller's mistake: answer 400 (the body says `malformed_request`).
pub async fn server_fn_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let is_server_fn = req.path().starts_with("/api/") && !req.path().starts_with("/api/v1/");
    let res = next.call(req).await?;
    if !is_server_fn
        || res.status() != actix_web::http::StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return Ok(res.map_into_left_body());
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes_limited(body, 64 * 1024)
        .await
        .ok()
        .and_then(|r| r.ok())
        .unwrap_or_default();
    let malformed = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .is_some_and(|v| v["code"] == "malformed_request");
    let mut rebuilt = head.set_body(bytes);
    if malformed {
        *rebuilt.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(ServiceResponse::new(req, rebuilt)
        .map_into_boxed_body()
        .map_into_right_body())
}

fn public_message(err: &ApiError) -> String {
    match err {
        ApiError::Domain(domain) => domain.public_message(),
        other => other.to_string(),
    }
}

/// A JSON or HTML refusal, depending on what the client asked for.
pub(crate) fn refuse(req: &ServiceRequest, err: ApiError) -> HttpResponse {
    let wants_html = !req.path().starts_with("/api/v1")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        let status = actix_web::ResponseError::status_code(&err);
        let mut response = HttpResponse::build(status);
        if let ApiError::Domain(domain) = &err
            && let Some(retry_after) = domain.retry_after()
        {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        let title = if status == actix_web::http::StatusCode::SERVICE_UNAVAILABLE {
            "Temporarily unavailable"
        } else {
            "Request refused"
        };
        response.content_type("text/html; charset=utf-8").body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><main><h1>{title}</h1><p>{}</p><p><a href=\"/\">Home</a></p></main></body></html>",
            domain::mail::templates::escape_html(&public_message(&err))
        ))
    } else {
        actix_web::ResponseError::error_response(&err)
    }
}
