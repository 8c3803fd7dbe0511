use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use app::ssr::RequestCtx;
use domain::Hearth;
use domain::accounts::{self, ClientMeta, api_tokens, sessions};

use crate::config::Config;

/// Resolves who is asking (session cookie or bearer token) and from where, once per request, into a
/// [`RequestCtx`] in the request's extensions; both the REST API and the Leptos pages read it there.
/// Static assets skip it.
pub async fn context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.path().starts_with("/pkg/") {
        return next.call(req).await;
    }
    let (Some(hearth), Some(config)) = (
        req.app_data::<web::Data<Hearth>>().cloned(),
        req.app_data::<web::Data<Config>>().cloned(),
    ) else {
        return next.call(req).await;
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
    let cookie = req.cookie(sessions::COOKIE_NAME).map(|c| c.value().to_owned());
    let actor = match (bearer, cookie) {
        (Some(token), _) => api_tokens::actor_for_token(&hearth, &token).await,
        (None, Some(cookie)) if !cookie.is_empty() => accounts::actor_for_session(&hearth, &cookie).await,
        _ => Ok(None),
    };
    let actor = match actor {
        Ok(actor) => actor.map(|a| a.with_ip(&ip)),
        Err(err) => {
            // Redis or PostgreSQL is down: serve the request anonymously rather than failing every page.
            tracing::error!(error = %err, "could not resolve the session");
            None
        }
    };
    req.extensions_mut().insert(RequestCtx {
        actor,
        client: ClientMeta { ip, user_agent },
        secure_cookies: config.https(),
    });
    next.call(req).await
}
