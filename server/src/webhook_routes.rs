//! The admin pages' webhook forms (`/admin/webhooks/…`): plain posts (several `event_types` checkboxes of
//! one name), each redirecting back with what happened, or with the error and what was typed
//! (`?form=…&error=<JSON>`), which the page shows at the fields. The same domain functions as the REST API.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use app::model::AppError;
use app::ssr::RequestCtx;
use domain::accounts::Actor;
use domain::ids::{WebhookDeliveryId, WebhookId};
use domain::webhooks::{self, EndpointInput};
use domain::{DomainError, Hearth};

fn to(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn urlencode(s: &str) -> String {
    app::api::accounts::urlencode(s)
}

/// The signed-in admin, or the response that sends anyone else away.
fn admin(req: &HttpRequest) -> Result<Actor, Box<HttpResponse>> {
    let actor = req.extensions().get::<RequestCtx>().and_then(|c| c.actor.clone());
    match actor {
        None => Err(Box::new(to("/login?next=%2Fadmin%2Fwebhooks"))),
        Some(a) if a.roles.is_admin() => Ok(a),
        Some(_) => Err(Box::new(
            HttpResponse::Forbidden()
                .content_type("text/plain; charset=utf-8")
                .body("Only administrators can manage webhooks."),
        )),
    }
}

fn input(form: &[(String, String)]) -> EndpointInput {
    let one = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    EndpointInput {
        url: one("url"),
        description: one("description"),
        event_types: form
            .iter()
            .filter(|(k, _)| k == "event_types")
            .map(|(_, v)| v.clone())
            .collect(),
        include_emails: !one("include_emails").is_empty(),
        active: !one("active").is_empty(),
    }
}

fn with_error(back: &str, form: &str, err: DomainError, input: &EndpointInput) -> HttpResponse {
    if let DomainError::Internal(cause) = &err {
        tracing::error!(%cause, "webhook form failed");
    }
    let mut error = AppError::new(err.code(), err.public_message());
    error.fields = err.fields();
    let error = error.with_values(&[
        ("url", &input.url),
        ("description", &input.description),
        ("event_types", &input.event_types.join(",")),
        ("include_emails", if input.include_emails { "on" } else { "" }),
        ("active", if input.active { "on" } else { "" }),
    ]);
    let json = serde_json::to_string(&error).unwrap_or_default();
    to(&format!("{back}?form={form}&error={}", urlencode(&json)))
}

/// `POST /admin/webhooks/new`
pub async fn create(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let actor = match admin(&req) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let mut input = input(&form);
    input.active = true;
    match webhooks::create(&hearth, &actor, &input).await {
        Ok(e) => to(&format!("/admin/webhooks/{}?saved=created", e.id)),
        Err(err) => with_error("/admin/webhooks", "create", err, &input),
    }
}

/// `POST /admin/webhooks/{id}/save`
pub async fn save(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let actor = match admin(&req) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let id = *path;
    let input = input(&form);
    match webhooks::update(&hearth, &actor, WebhookId(id), &input).await {
        Ok(_) => to(&format!("/admin/webhooks/{id}?saved=updated")),
        Err(err) => with_error(&format!("/admin/webhooks/{id}"), "update", err, &input),
    }
}

/// `POST /admin/webhooks/{id}/{rotate|test|delete}`
pub async fn act(
    req: HttpRequest,
    hearth: web::Data<Hearth>,
    path: web::Path<(i64, String)>,
) -> HttpResponse {
    let actor = match admin(&req) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let (id, action) = path.into_inner();
    let endpoint = WebhookId(id);
    let back = format!("/admin/webhooks/{id}");
    let result = match action.as_str() {
        "rotate" => webhooks::rotate_secret(&hearth, &actor, endpoint)
            .await
            .map(|_| format!("{back}?saved=rotated")),
        "test" => webhooks::send_test(&hearth, &actor, endpoint)
            .await
            .map(|_| format!("{back}?saved=test")),
        "delete" => webhooks::delete(&hearth, &actor, endpoint)
            .await
            .map(|_| "/admin/webhooks?saved=deleted".to_owned()),
        _ => Err(DomainError::NotFound("webhook action")),
    };
    match result {
        Ok(location) => to(&location),
        Err(DomainError::NotFound(what)) => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(format!("No such {what}.")),
        Err(err) => {
            let error = AppError::new(err.code(), err.public_message());
            let json = serde_json::to_string(&error).unwrap_or_default();
            to(&format!("{back}?form=update&error={}", urlencode(&json)))
        }
    }
}

/// `POST /admin/webhooks/{id}/deliveries/{delivery}/retry`
pub async fn retry(req: HttpRequest, hearth: web::Data<Hearth>, path: web::Path<(i64, i64)>) -> HttpResponse {
    let actor = match admin(&req) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let (id, delivery) = path.into_inner();
    let back = format!("/admin/webhooks/{id}/deliveries/{delivery}");
    match webhooks::resend(&hearth, &actor, WebhookId(id), WebhookDeliveryId(delivery)).await {
        Ok(()) => to(&format!("{back}?saved=retry")),
        Err(DomainError::NotFound(what)) => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body(format!("No such {what}.")),
        Err(err) => to(&format!(
            "{back}?error_message={}",
            urlencode(&err.public_message())
        )),
    }
}
