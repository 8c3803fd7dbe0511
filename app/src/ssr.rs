//! Server-side glue between Leptos and the domain: the request's context (who is asking, from where), the
//! handle to the services, cookies, and the one mapping from domain errors to [`AppError`].

use actix_web::HttpMessage;
use actix_web::http::{StatusCode, header};
use domain::accounts::{Actor, ClientMeta, sessions};
use domain::{DomainError, Hearth};
use leptos::prelude::*;
use leptos_actix::{Request, ResponseOptions};

use crate::model::{AppError, BrandInfo, PageCtx, ViewerInfo};

/// What the server's middleware learned about a request, stored in the request's extensions.
#[derive(Debug, Clone, Default)]
pub struct RequestCtx {
    pub actor: Option<Actor>,
    pub client: ClientMeta,
    /// Whether session cookies must be `Secure` (the site is served over https).
    pub secure_cookies: bool,
}

pub fn request() -> Option<Request> {
    use_context::<Request>()
}

/// The request context set by the middleware (empty when absent, e.g. in unit tests).
pub fn request_ctx() -> RequestCtx {
    request()
        .and_then(|req| req.extensions().get::<RequestCtx>().cloned())
        .unwrap_or_default()
}

/// The services, provided as Leptos context by the server.
pub fn hearth() -> Result<Hearth, AppError> {
    use_context::<Hearth>().ok_or_else(|| {
        tracing::error!("Hearth is not in the Leptos context");
        AppError::new("internal", "Something went wrong on our side. Please try again.")
    })
}

pub fn actor() -> Option<Actor> {
    request_ctx().actor
}

/// The signed-in member, or the `unauthenticated` error.
pub fn require_actor() -> Result<Actor, AppError> {
    actor().ok_or_else(|| to_app_error(DomainError::Unauthenticated))
}

pub fn client() -> ClientMeta {
    request_ctx().client
}

pub fn viewer_info(actor: &Actor) -> ViewerInfo {
    ViewerInfo {
        id: actor.id.0,
        username: actor.username.clone(),
        display_name: actor.display_name.clone(),
        roles: actor.roles.names(),
    }
}

pub fn brand_info(hearth: &Hearth) -> BrandInfo {
    let brand = domain::brand::current(hearth);
    BrandInfo {
        name: brand.name.clone(),
        tagline: brand.tagline.clone(),
        color_primary: brand.color_primary.clone(),
        color_accent: brand.color_accent.clone(),
        has_logo: brand.has_logo,
        logo_alt: brand.logo_alt.clone(),
        version: brand.version,
    }
}

/// The brand and viewer of the page being rendered.
pub fn page_ctx() -> PageCtx {
    PageCtx {
        brand: hearth().map(|h| brand_info(&h)).unwrap_or_default(),
        viewer: actor().as_ref().map(viewer_info),
    }
}

/// Whether the request is a plain HTML form post (no JavaScript): those get redirects, not error statuses.
fn is_plain_form_post() -> bool {
    request()
        .filter(|req| req.method() == actix_web::http::Method::POST)
        .and_then(|req| {
            req.headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// The HTTP status of a domain error (the same table the REST API uses).
pub fn status_of(err: &DomainError) -> StatusCode {
    match err {
        DomainError::Invalid(_) => StatusCode::BAD_REQUEST,
        DomainError::Unauthenticated | DomainError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        DomainError::Forbidden(_) | DomainError::EmailNotVerified => StatusCode::FORBIDDEN,
        DomainError::NotFound(_) => StatusCode::NOT_FOUND,
        DomainError::Conflict { .. } => StatusCode::CONFLICT,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Maps a domain error for the browser: logs internal causes, sets the response status for script
/// requests, and never shows internals.
pub fn to_app_error(err: DomainError) -> AppError {
    if let DomainError::Internal(cause) = &err {
        tracing::error!(%cause, "server function failed");
    }
    if let Some(options) = use_context::<ResponseOptions>() {
        if !is_plain_form_post() {
            options.set_status(status_of(&err));
        }
        if let Some(retry_after) = err.retry_after()
            && let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string())
        {
            options.insert_header(header::RETRY_AFTER, value);
        }
    }
    AppError {
        code: err.code().to_owned(),
        message: err.public_message(),
        fields: err.fields().into_iter().collect(),
        values: Default::default(),
    }
}

fn cookie_header(value: &str, max_age: i64) -> Option<header::HeaderValue> {
    let https = request_ctx().secure_cookies;
    let secure = if https { "; Secure" } else { "" };
    header::HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        sessions::cookie_name(https)
    ))
    .ok()
}

/// Sets the session cookie on the response.
pub fn set_session_cookie(value: &str) {
    if let (Some(options), Some(cookie)) = (
        use_context::<ResponseOptions>(),
        cookie_header(value, sessions::TTL_SECONDS as i64),
    ) {
        options.append_header(header::SET_COOKIE, cookie);
    }
}

/// Removes the session cookie from the browser.
pub fn clear_session_cookie() {
    if let (Some(options), Some(cookie)) = (use_context::<ResponseOptions>(), cookie_header("", 0)) {
        options.append_header(header::SET_COOKIE, cookie);
    }
}

/// Sets the response status of the page being rendered (404 pages, 403 pages).
pub fn set_status(status: StatusCode) {
    if let Some(options) = use_context::<ResponseOptions>() {
        options.set_status(status);
    }
}

/// The Content-Security-Policy of a page: scripts only from this site or inline with this response's nonce
/// (the hydration script), wasm allowed to compile, nothing framed, forms only to this site.
pub fn set_page_csp() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let (Some(options), Ok(value)) = (
        use_context::<ResponseOptions>(),
        header::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Answers the page being rendered with a redirect (302 + Location), whatever the client accepts.
pub fn redirect_page(path: &str) {
    if let (Some(options), Ok(location)) = (
        use_context::<ResponseOptions>(),
        header::HeaderValue::from_str(path),
    ) {
        options.set_status(StatusCode::FOUND);
        options.insert_header(header::LOCATION, location);
    }
}

/// A local path to continue to after a form (`next` parameters): only same-site absolute paths, with no
/// whitespace or control characters (browsers drop tabs and newlines, which would turn `/\t/evil` into
/// `//evil`), and nothing a browser would read as another host.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else { return "/".to_owned() };
    let plausible = path.starts_with('/')
        && !path.starts_with("//")
        && path.len() < 500
        && !path
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if !plausible {
        return "/".to_owned();
    }
    // Resolve against a fixed origin: whatever it resolves to must stay on that origin.
    match url::Url::parse("http://hearth.invalid").and_then(|base| base.join(path)) {
        Ok(url) if url.origin().ascii_serialization() == "http://hearth.invalid" => {
            let mut local = url.path().to_owned();
            if let Some(query) = url.query() {
                local.push('?');
                local.push_str(query);
            }
            local
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_paths_stay_on_the_site() {
        assert_eq!(safe_next(Some("/settings")), "/settings");
        assert_eq!(safe_next(Some("/admin?member=ada")), "/admin?member=ada");
        assert_eq!(
            safe_next(Some("/%09/evil.example")),
            "/%09/evil.example",
            "encoded: a local path"
        );
        for evil in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\n/evil",
            "/ok\r\nSet-Cookie: x=1",
            "javascript:alert(1)",
            "",
            "settings",
            "/ /evil",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
