use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use app::ssr::RequestCtx;
use domain::accounts::{self, ClientMeta, api_tokens, sessions};
use domain::{DomainError, Hearth};

use crate::api::ApiError;
use crate::config::Config;

/// Resolves who is asking (session cookie or bearer token) and from where, once per request, into a
/// [`RequestCtx`] in the request's extensions; both the REST API and the Leptos pages read it there.
/// Static assets skip it.
///
/// When the session or token cannot be resolved because PostgreSQL or Redis is busy or down, the request is
/// answered 503 with `Retry-After` (a page or JSON): treating the member as logged out would show them a
/// wrong page and make every form fail oddly.
pub async fn context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.path().starts_with("/pkg/") || matches!(req.path(), "/healthz" | "/readyz" | "/metrics") {
        return next.call(req).await.map(|r| r.map_into_left_body());
    }
    let (Some(hearth), Some(config)) = (
        req.app_data::<web::Data<Hearth>>().cloned(),
        req.app_data::<web::Data<Config>>().cloned(),
    ) else {
        return next.call(req).await.map(|r| r.map_into_left_body());
    };
    let ip = if config.trust_proxy {
        req.headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            // The rightmost entry is the one our own proxy appended; anything left of it is what the client
            // claimed, and a client can claim anything.
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    } else {
        None
    }
    .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
    .unwrap_or_else(|| "unknown".into());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();

    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_owned());
    // Over https only the `__Host-` cookie counts (a plain one could have been planted by a subdomain).
    let cookie = req
        .cookie(sessions::cookie_name(config.https()))
        .map(|c| c.value().to_owned());
    let actor = match (bearer, cookie) {
        (Some(token), _) => api_tokens::actor_for_token(&hearth, &token).await,
        (None, Some(cookie)) if !cookie.is_empty() => accounts::actor_for_session(&hearth, &cookie).await,
        _ => Ok(None),
    };
    let actor = match actor {
        Ok(actor) => actor.map(|a| a.with_ip(&ip)),
        Err(err) => {
            tracing::warn!(error = %err, "could not resolve the session; answering unavailable");
            let retry_after = err.retry_after().unwrap_or(5);
            let response = super::refuse(&req, ApiError::Domain(DomainError::Unavailable { retry_after }));
            return Ok(req.into_response(response).map_into_right_body());
        }
    };
    // A token changes nothing without its `write` scope (mentions: the `mentions` scope).
    if let Some(a) = &actor {
        let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if let Err(err) = api_tokens::check_request(a, changes, req.path()) {
            let response = super::refuse(&req, ApiError::Domain(err));
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    req.extensions_mut().insert(RequestCtx {
        actor,
        client: ClientMeta { ip, user_agent },
        secure_cookies: config.https(),
    });
    next.call(req).await.map(|r| r.map_into_left_body())
}
