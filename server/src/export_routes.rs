//! `GET /settings/export/{id}?expires=…&signature=…`: the link of a "Download my data" e-mail. It works for the
//! member it was made for (anyone else is asked to log in as them), once, until it expires.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use app::ssr::RequestCtx;
use domain::{DomainError, Hearth, privacy};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkQuery {
    pub expires: i64,
    pub signature: String,
}

fn page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let escape = domain::mail::templates::escape_html;
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
             <link rel=\"stylesheet\" href=\"/pkg/hearth.css\"></head><body><main id=\"main\" class=\"page narrow\">\
             <h1>{title}</h1><p>{message}</p><p><a href=\"/settings#your-data\">Back to your settings</a></p>\
             </main></body></html>",
            title = escape(title),
            message = escape(message),
        ))
}

pub async fn download(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    id: web::Path<i64>,
    query: web::Query<LinkQuery>,
) -> HttpResponse {
    let actor = req.extensions().get::<RequestCtx>().and_then(|c| c.actor.clone());
    let Some(actor) = actor else {
        let here = format!("{}?{}", req.path(), req.query_string());
        return HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/login?next={}", app::api::accounts::urlencode(&here)),
            ))
            .finish();
    };
    match privacy::download(&hearth, &actor, *id, query.expires, &query.signature).await {
        Ok(archive) => HttpResponse::Ok()
            .content_type("application/zip")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", archive.filename),
            ))
            .body(archive.bytes),
        Err(DomainError::Forbidden(message)) => {
            page(StatusCode::FORBIDDEN, "This link does not work", &message)
        }
        Err(e @ DomainError::Conflict { .. }) => {
            page(StatusCode::GONE, "Already downloaded", &e.public_message())
        }
        Err(e @ DomainError::Unavailable { .. }) => {
            page(StatusCode::SERVICE_UNAVAILABLE, "Busy", &e.public_message())
        }
        Err(e) => {
            tracing::error!(error = %e, "data export download failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Your archive could not be sent. Please try again in a minute.",
            )
        }
    }
}
