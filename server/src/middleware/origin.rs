use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use domain::DomainError;

use crate::api::ApiError;
use crate::config::Config;

/// Whether `origin` (`scheme://host[:port]`) is this site: the configured base URL, or the host the request
/// was addressed to.
pub fn same_origin(origin: &str, base_origin: &str, host: Option<&str>) -> bool {
    if origin == base_origin {
        return true;
    }
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let Some(origin_host) = url.host_str() else {
        return false;
    };
    let authority = match url.port() {
        Some(port) => format!("{origin_host}:{port}"),
        None => origin_host.to_owned(),
    };
    host.is_some_and(|h| h.eq_ignore_ascii_case(&authority))
}

/// CSRF defence for every state-changing request (API and server functions alike): when the browser says
/// where the request comes from (`Origin`, or else `Referer`) and that is another site, it is refused with
/// 403. Clients that send neither (scripts with a token or cookie) pass; browsers always send `Origin` on
/// cross-site POSTs. Session cookies are SameSite=Lax as a second line.
pub async fn origin_check(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let base_origin = req
            .app_data::<web::Data<Config>>()
            .map(|c| c.origin())
            .unwrap_or_default();
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
        let claimed = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                req.headers()
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| url::Url::parse(r).ok())
                    .map(|u| u.origin().ascii_serialization())
            });
        if let Some(origin) = claimed
            && !same_origin(&origin, &base_origin, host)
        {
            tracing::warn!(%origin, path = %req.path(), "cross-site request refused");
            let response = super::refuse(
                &req,
                ApiError::Domain(DomainError::forbidden("Cross-site requests are not allowed.")),
            );
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    next.call(req).await.map(|r| r.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn origins() {
        assert!(same_origin(
            "https://c.example.com",
            "https://c.example.com",
            None
        ));
        assert!(same_origin(
            "http://127.0.0.1:4000",
            "http://127.0.0.1:3000",
            Some("127.0.0.1:4000")
        ));
        assert!(!same_origin(
            "https://evil.example",
            "https://c.example.com",
            Some("c.example.com")
        ));
        assert!(!same_origin(
            "null",
            "https://c.example.com",
            Some("c.example.com")
        ));
        assert!(!same_origin(
            "http://127.0.0.1:4001",
            "http://127.0.0.1:3000",
            Some("127.0.0.1:4000")
        ));
    }
}
