use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use std::time::Instant;
use tracing::Instrument;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request an id (the caller's sane `X-Request-Id`, else a new UUID; echoed in `X-Request-Id`), runs it inside a tracing span carrying that id, logs
/// one line when it ends, and records Prometheus metrics by route pattern.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %id, method = %method, path = %path);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let _entered = span.enter();
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let route = res
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            if let Some(m) = crate::metrics::metrics() {
                m.requests
                    .with_label_values(&[&method, &route, &status.to_string()])
                    .inc();
                m.latency
                    .with_label_values(&[&method, &route])
                    .observe(elapsed.as_secs_f64());
            }
            if let Ok(value) = HeaderValue::from_str(&id) {
                res.headers_mut().insert(REQUEST_ID, value);
            }
            if !path.starts_with("/pkg/") {
                let ms = elapsed.as_secs_f64() * 1000.0;
                if status == 503 {
                    // Shed load or a dependency down for a moment: counted in the metrics, not a fault of ours.
                    tracing::warn!(status, ms, "request answered busy");
                } else if status >= 500 {
                    tracing::error!(status, ms, "request failed");
                } else {
                    tracing::info!(status, ms, "request");
                }
            }
            Ok(res)
        }
        Err(err) => {
            tracing::error!(error = %err, "request error");
            Err(err)
        }
    }
}
