//! A micro-cache of the HTML pages anonymous visitors get: most readers of a community are not signed in, and
//! a popular topic is read by many of them within seconds. A page rendered for one anonymous visitor is served
//! to the next ones for a few seconds (`HEARTH_PAGE_CACHE_SECONDS`, default 5; 0 turns the cache off).
//!
//! What may be cached: a `GET` without a session cookie or `Authorization` header, for a page (not the API,
//! not assets), answered `200` with an HTML body and no `Set-Cookie`. Anything signed in or personal is never
//! stored nor served from here. On every hit the page's Content-Security-Policy nonce is replaced by a fresh one,
//! and a topic page still counts the view. Pages may lag behind changes by at most the TTL, as with any CDN.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use bytes::Bytes;
use domain::Hearth;
use domain::accounts::sessions;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::Config;

/// Most pages kept at once.
const MAX_ENTRIES: usize = 2_000;
/// Most bytes of HTML kept at once (whatever the number of pages): varying a query cannot grow the cache.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// Larger pages are not kept.
const MAX_BODY: usize = 512 * 1024;
/// The query parameters pages read to choose what they show; a request with any other parameter (a notice
/// after a form, a token, a cache-buster) is served fresh and not kept. The key lists them sorted.
const CONTENT_PARAMS: &[&str] = &[
    "after", "author", "before", "category", "days", "filter", "from", "offset", "page", "palette",
    "product", "q", "sort", "state", "status", "tier", "title", "to",
];
/// The response header telling whether the cache answered (`hit`) or stored the page (`miss`).
pub const CACHE_HEADER: &str = "x-hearth-cache";

type Headers = Vec<(HeaderName, HeaderValue)>;

struct Entry {
    stored: Instant,
    headers: Headers,
    body: Bytes,
    /// The CSP nonce the page was rendered with, replaced on every hit.
    nonce: Option<String>,
}

/// The cache of one process (each app instance has its own).
pub struct PageCache {
    ttl: Duration,
    /// The pages, and the bytes of their bodies in all.
    entries: Mutex<(HashMap<String, Entry>, usize)>,
}

impl PageCache {
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl,
            entries: Mutex::new((HashMap::new(), 0)),
        }
    }

    fn lookup(&self, key: &str) -> Option<(Headers, Bytes, Option<String>)> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.0.get(key)?;
        (entry.stored.elapsed() < self.ttl)
            .then(|| (entry.headers.clone(), entry.body.clone(), entry.nonce.clone()))
    }

    fn store(&self, key: String, entry: Entry) {
        let Ok(mut guard) = self.entries.lock() else {
            return;
        };
        let (entries, bytes) = &mut *guard;
        let size = entry.body.len();
        if entries.len() >= MAX_ENTRIES || *bytes + size > MAX_BYTES {
            let ttl = self.ttl;
            entries.retain(|_, e| e.stored.elapsed() < ttl);
            *bytes = entries.values().map(|e| e.body.len()).sum();
            if entries.len() >= MAX_ENTRIES || *bytes + size > MAX_BYTES {
                return;
            }
        }
        if let Some(old) = entries.insert(key, entry) {
            *bytes -= old.body.len();
        }
        *bytes += size;
    }

    /// How many pages and bytes are kept (tests, metrics).
    pub fn size(&self) -> (usize, usize) {
        self.entries.lock().map(|g| (g.0.len(), g.1)).unwrap_or((0, 0))
    }
}

/// Whether a request may be answered from (and its response stored in) the cache.
fn cache_key(req: &ServiceRequest) -> Option<String> {
    if req.method() != actix_web::http::Method::GET {
        return None;
    }
    let path = req.path();
    let excluded = [
        "/api/", "/pkg/", "/healthz", "/readyz", "/metrics", "/brand/", "/favicon",
    ];
    if excluded.iter().any(|p| path.starts_with(p)) {
        return None;
    }
    let headers = req.headers();
    if headers.contains_key(header::AUTHORIZATION) {
        return None;
    }
    if [sessions::COOKIE_NAME, sessions::HOST_COOKIE_NAME]
        .iter()
        .any(|name| req.cookie(name).is_some_and(|c| !c.value().is_empty()))
    {
        return None;
    }
    // HTML only: a client asking for something else (or a range) is served fresh.
    if headers.contains_key(header::RANGE) {
        return None;
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if !CONTENT_PARAMS.contains(&name.as_ref()) {
            return None;
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    params.sort();
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&params)
        .finish();
    Some(if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    })
}

/// The nonce in a `script-src … 'nonce-XYZ'` policy.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let csp = headers.get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = csp[start..].find('\'')? + start;
    Some(csp[start..end].to_owned())
}

fn fresh_nonce() -> String {
    domain::secrets::random_token(16)
}

/// The id of a topic or question page (`/t/42`, `/q/42`), whose hits still count as views.
fn topic_id(path: &str) -> Option<i64> {
    path.strip_prefix("/t/")
        .or_else(|| path.strip_prefix("/q/"))?
        .split('/')
        .next()?
        .parse()
        .ok()
}

pub async fn page_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cache = req.app_data::<web::Data<PageCache>>().cloned();
    let (cache, key) = match (cache, cache_key(&req)) {
        (Some(cache), Some(key)) if !cache.ttl.is_zero() => (cache, key),
        _ => return next.call(req).await.map(|r| r.map_into_boxed_body()),
    };

    if let Some((headers, body, nonce)) = cache.lookup(&key) {
        if let (Some(id), Some(hearth)) = (topic_id(req.path()), req.app_data::<web::Data<Hearth>>())
            && let Err(e) = domain::forums::view_counts::record_view(hearth, domain::ids::TopicId(id)).await
        {
            tracing::warn!(error = %e, "view not counted");
        }
        let mut response = HttpResponse::Ok();
        let (body, fresh) = match nonce {
            Some(old) => {
                let fresh = fresh_nonce();
                let text = String::from_utf8_lossy(&body).replace(&old, &fresh);
                (Bytes::from(text), Some((old, fresh)))
            }
            None => (body, None),
        };
        for (name, value) in headers {
            let value = match (&fresh, name == header::CONTENT_SECURITY_POLICY) {
                (Some((old, new)), true) => value
                    .to_str()
                    .ok()
                    .and_then(|v| HeaderValue::from_str(&v.replace(old.as_str(), new)).ok())
                    .unwrap_or(value),
                _ => value,
            };
            response.append_header((name, value));
        }
        response.insert_header((HeaderName::from_static(CACHE_HEADER), "hit"));
        return Ok(req.into_response(response.body(body)));
    }

    let res = next.call(req).await?;
    // Pages arrive streamed or whole; either way the page was rendered in full before it is sent.
    let cacheable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !cacheable {
        return Ok(res.map_into_boxed_body());
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    if body.len() > MAX_BODY {
        return Ok(ServiceResponse::new(
            req,
            head.set_body(body).map_into_boxed_body(),
        ));
    }
    let headers: Headers = head
        .headers()
        .iter()
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    cache.store(
        key,
        Entry {
            stored: Instant::now(),
            nonce: nonce_of(head.headers()),
            headers,
            body: body.clone(),
        },
    );
    let mut rebuilt = head.set_body(body).map_into_boxed_body();
    rebuilt.headers_mut().insert(
        HeaderName::from_static(CACHE_HEADER),
        HeaderValue::from_static("miss"),
    );
    Ok(ServiceResponse::new(req, rebuilt))
}

/// The cache for a configuration.
pub fn for_config(config: &Config) -> PageCache {
    PageCache::new(config.page_cache_ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nonce_in_a_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'nonce-AbC_12-x' 'wasm-unsafe-eval'",
            ),
        );
        assert_eq!(nonce_of(&headers).as_deref(), Some("AbC_12-x"));
        assert_eq!(nonce_of(&HeaderMap::new()), None);
    }

    #[test]
    fn topic_pages_are_recognised() {
        assert_eq!(topic_id("/t/42"), Some(42));
        assert_eq!(topic_id("/t/42/"), Some(42));
        assert_eq!(topic_id("/q/7"), Some(7));
        assert_eq!(topic_id("/t/x"), None);
        assert_eq!(topic_id("/latest"), None);
    }

    #[test]
    fn expired_entries_are_not_served_and_make_room() {
        let cache = PageCache::new(Duration::from_millis(20));
        let entry = || Entry {
            stored: Instant::now(),
            headers: Vec::new(),
            body: Bytes::from_static(b"<p>hi</p>"),
            nonce: None,
        };
        cache.store("/a".into(), entry());
        assert!(cache.lookup("/a").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.lookup("/a").is_none(), "expired");
        for i in 0..MAX_ENTRIES {
            cache.store(format!("/p{i}"), entry());
        }
        cache.store("/one-too-many".into(), entry());
        assert!(cache.lookup("/one-too-many").is_none(), "bounded");
    }

    #[test]
    fn the_cache_is_bounded_by_bytes_whatever_the_number_of_pages() {
        let cache = PageCache::new(Duration::from_secs(60));
        let big = Bytes::from(vec![b'x'; MAX_BODY]);
        let mut kept = 0;
        for i in 0..MAX_ENTRIES {
            cache.store(
                format!("/search?q={i}"),
                Entry {
                    stored: Instant::now(),
                    headers: Vec::new(),
                    body: big.clone(),
                    nonce: None,
                },
            );
            kept = cache.size().1;
        }
        assert!(kept <= MAX_BYTES, "{kept}");
        assert!(cache.size().0 < MAX_ENTRIES);
    }

    #[test]
    fn the_key_is_the_parameters_pages_read_and_anything_else_is_served_fresh() {
        let key = |uri: &str| {
            let req = actix_web::test::TestRequest::get().uri(uri).to_srv_request();
            cache_key(&req)
        };
        assert_eq!(key("/latest"), Some("/latest".to_owned()));
        assert_eq!(
            key("/ideas?status=planned&sort=votes"),
            key("/ideas?sort=votes&status=planned")
        );
        assert_eq!(
            key("/ideas?sort=votes&status=planned").as_deref(),
            Some("/ideas?sort=votes&status=planned")
        );
        assert_eq!(
            key("/t/5?page=2&cachebuster=1"),
            None,
            "unknown parameters are never cached"
        );
        assert_eq!(key("/?saved=profile"), None, "notices after a form are personal");
        assert_eq!(key("/api/v1/topics"), None);
    }
}
