//! The brand's logo: served from PostgreSQL with a long cache (its URL carries the brand version), and
//! uploaded by admins through a plain multipart form.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use app::ssr::RequestCtx;
use domain::Hearth;
use domain::brand::{self, LOGO_MAX_BYTES, LogoUpload};
use futures_util::StreamExt;

pub async fn logo(hearth: web::Data<Hearth>) -> HttpResponse {
    match brand::logo(&hearth).await {
        Ok(Some((bytes, content_type))) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
            .body(bytes),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => {
            tracing::error!(error = %e, "logo could not be read");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

fn back(query: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/admin?{query}")))
        .finish()
}

fn back_with_error(message: &str) -> HttpResponse {
    back(&format!("logo_error={}", app::api::accounts::urlencode(message)))
}

/// `POST /admin/brand/logo` (multipart, field `logo`).
pub async fn upload_logo(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    mut payload: Multipart,
) -> HttpResponse {
    let actor = req.extensions().get::<RequestCtx>().and_then(|c| c.actor.clone());
    let Some(actor) = actor else {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login?next=%2Fadmin"))
            .finish();
    };
    if !actor.roles.is_admin() {
        return HttpResponse::Forbidden().body("Only administrators may change the logo.");
    }
    let mut bytes = Vec::new();
    let mut found = false;
    while let Some(field) = payload.next().await {
        let Ok(mut field) = field else {
            return back_with_error("The upload could not be read.");
        };
        if field.name() != Some("logo") {
            continue;
        }
        found = true;
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else {
                return back_with_error("The upload could not be read.");
            };
            if bytes.len() + chunk.len() > LOGO_MAX_BYTES {
                return back_with_error("The logo must be at most 256 KB.");
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    if !found || bytes.is_empty() {
        return back_with_error("Choose an image file to upload.");
    }
    match brand::set_logo(&hearth, &actor, LogoUpload { bytes }).await {
        Ok(_) => back("saved=logo"),
        Err(e) => {
            let fields = e.fields();
            back_with_error(
                fields
                    .get("logo")
                    .map(|m| format!("The logo {m}."))
                    .as_deref()
                    .unwrap_or(&e.public_message()),
            )
        }
    }
}
