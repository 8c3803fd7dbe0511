//! REST API v1 under `/api/v1`. Handlers are thin: who is asking, parse the body, call the same domain
//! function as the UI's server function, map the result. The OpenAPI document is generated from these
//! handlers' annotations.

pub mod accounts;
pub mod brand;
pub mod club;
pub mod error;
pub mod forums;
pub mod ideas;
pub mod insights;
pub mod moderation;
pub mod notifications;
pub mod openapi;
pub mod policy;
pub mod qa;
pub mod stream;
pub mod talking_point;
pub mod users;
pub mod webhooks;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use app::ssr::RequestCtx;
use domain::DomainError;
use domain::accounts::Actor;
use std::future::{Ready, ready};

pub use error::{ApiError, ApiResult};

/// Largest JSON body the API reads.
pub const JSON_LIMIT: usize = 64 * 1024;

/// Who is calling (session cookie or bearer token) and from where; set by the context middleware.
pub struct Caller(pub RequestCtx);

impl Caller {
    pub fn actor(&self) -> ApiResult<&Actor> {
        self.0
            .actor
            .as_ref()
            .ok_or(ApiError::Domain(DomainError::Unauthenticated))
    }
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Caller(
            req.extensions().get::<RequestCtx>().cloned().unwrap_or_default(),
        )))
    }
}

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(error::json_error),
            )
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .route("/openapi.json", web::get().to(openapi::document))
            .route("/auth/signup", web::post().to(accounts::signup))
            .route("/auth/login", web::post().to(accounts::login))
            .route("/auth/logout", web::post().to(accounts::logout))
            .route("/auth/verify", web::post().to(accounts::verify))
            .route(
                "/auth/verify/resend",
                web::post().to(accounts::resend_verification),
            )
            .route(
                "/auth/password-reset",
                web::post().to(accounts::request_password_reset),
            )
            .route(
                "/auth/password-reset/confirm",
                web::post().to(accounts::confirm_password_reset),
            )
            .route("/auth/password", web::post().to(accounts::change_password))
            .route("/me", web::get().to(accounts::me))
            .route("/me", web::patch().to(accounts::update_me))
            .route("/tokens", web::post().to(accounts::create_token))
            .route("/tokens", web::get().to(accounts::list_tokens))
            .route("/tokens/{id}", web::delete().to(accounts::revoke_token))
            .route("/users/{username}", web::get().to(users::profile))
            .route("/users/{id}/access", web::put().to(users::set_access))
            .route("/policy", web::get().to(policy::current))
            .route("/policy", web::post().to(policy::publish))
            .route("/brand", web::get().to(brand::get))
            .route("/brand", web::put().to(brand::update))
            .route("/categories", web::get().to(forums::list_categories))
            .route("/categories", web::post().to(forums::create_category))
            .route("/categories/{id}", web::patch().to(forums::update_category))
            .route(
                "/categories/{slug}/topics",
                web::get().to(forums::category_topics),
            )
            .route("/categories/{slug}/watch", web::put().to(forums::watch_category))
            .route(
                "/categories/{slug}/watch",
                web::delete().to(forums::watch_category),
            )
            .route("/topics", web::get().to(forums::latest))
            .route("/topics", web::post().to(forums::create_topic))
            .route("/topics/{id}", web::get().to(forums::get_topic))
            .route("/topics/{id}/posts", web::get().to(forums::topic_posts))
            .route("/topics/{id}/posts", web::post().to(forums::reply))
            .route("/topics/{id}/watch", web::put().to(forums::watch_topic))
            .route("/topics/{id}/watch", web::delete().to(forums::watch_topic))
            .route("/topics/{id}/{action}", web::post().to(forums::manage))
            .route("/posts/{id}", web::patch().to(forums::edit_post))
            .route("/posts/{id}/revisions", web::get().to(forums::revisions))
            .route("/search", web::get().to(forums::search))
            .route("/users/{username}/topics", web::get().to(forums::member_topics))
            .route("/products", web::get().to(qa::list_products))
            .route("/products", web::post().to(qa::create_product))
            .route("/me/products", web::get().to(qa::my_products))
            .route("/me/products", web::put().to(qa::set_my_products))
            .route("/questions", web::get().to(qa::list_questions))
            .route("/questions", web::post().to(qa::ask))
            .route("/questions/similar", web::get().to(qa::similar))
            .route("/questions/{id}", web::get().to(qa::get_question))
            .route("/questions/{id}/answers", web::post().to(qa::answer))
            .route("/answers/{id}/vote", web::post().to(qa::vote))
            .route("/answers/{id}/accept", web::post().to(qa::accept))
            .route("/answers/{id}/comments", web::post().to(qa::comment))
            .route("/ideas", web::get().to(ideas::list))
            .route("/ideas", web::post().to(ideas::submit))
            .route("/ideas/export.csv", web::get().to(ideas::export))
            .route("/ideas/shipped", web::get().to(ideas::shipped))
            .route("/ideas/{id}", web::get().to(ideas::get))
            .route("/ideas/{id}/vote", web::put().to(ideas::vote))
            .route("/ideas/{id}/vote", web::delete().to(ideas::vote))
            .route("/ideas/{id}/follow", web::put().to(ideas::follow))
            .route("/ideas/{id}/follow", web::delete().to(ideas::follow))
            .route("/ideas/{id}/comments", web::post().to(ideas::comment))
            .route("/ideas/{id}/status", web::post().to(ideas::set_status))
            .route("/ideas/{id}/merge", web::post().to(ideas::merge))
            .route("/ideas/{id}/survey", web::post().to(ideas::survey))
            .route("/club/tiers", web::get().to(club::tiers))
            .route("/club/tiers", web::post().to(club::save_tier))
            .route("/club/tiers/{slug}/perks", web::post().to(club::add_perk))
            .route("/club/membership", web::get().to(club::get_membership))
            .route("/club/membership", web::put().to(club::join))
            .route("/club/membership", web::patch().to(club::set_directory))
            .route("/club/membership", web::delete().to(club::leave))
            .route("/club/members", web::get().to(club::directory))
            .route("/club/members/{id}/tier", web::put().to(club::grant))
            .route("/events", web::get().to(club::list_events))
            .route("/events", web::post().to(club::create_event))
            .route("/events/{id}", web::get().to(club::get_event))
            .route("/events/{id}/rsvp", web::put().to(club::rsvp))
            .route("/events/{id}/rsvp", web::delete().to(club::cancel_rsvp))
            .route("/events/{id}/attendees", web::get().to(club::attendees))
            .route("/events/{id}/ics", web::get().to(club::ics))
            .route("/reputation", web::get().to(club::formula))
            .route("/flags", web::post().to(moderation::flag))
            .route("/moderation/queue", web::get().to(moderation::queue_list))
            .route(
                "/moderation/queue/{id}/approve",
                web::post().to(moderation::approve),
            )
            .route(
                "/moderation/queue/{id}/reject",
                web::post().to(moderation::reject),
            )
            .route("/moderation/audit", web::get().to(moderation::audit_log))
            .route("/moderation/rules", web::get().to(moderation::get_rules))
            .route("/moderation/rules", web::put().to(moderation::put_rules))
            .route("/posts/{id}/hide", web::post().to(moderation::hide))
            .route("/posts/{id}/appeal", web::post().to(moderation::appeal_post))
            .route(
                "/comments/{id}/appeal",
                web::post().to(moderation::appeal_comment),
            )
            .route("/users/{id}/{action}", web::post().to(moderation::sanction))
            .route("/policy/accept", web::post().to(moderation::accept_policy))
            .route("/staff/inbox", web::get().to(moderation::inbox_list))
            .route(
                "/staff/inbox/{id}/{action}",
                web::post().to(moderation::inbox_act),
            )
            .route(
                "/me/notification-preferences",
                web::get().to(notifications::get_preferences),
            )
            .route(
                "/me/notification-preferences",
                web::put().to(notifications::put_preferences),
            )
            .route("/unsubscribe", web::post().to(notifications::unsubscribe))
            .route("/stream", web::get().to(stream::stream))
            .route("/insights/{report}.csv", web::get().to(insights::csv))
            .route("/insights/{report}", web::get().to(insights::get))
            .route("/talking-point", web::get().to(talking_point::get))
            .route(
                "/talking-point/ignored-terms",
                web::get().to(talking_point::get_ignored),
            )
            .route(
                "/talking-point/ignored-terms",
                web::put().to(talking_point::put_ignored),
            )
            .route(
                "/talking-point/themes/{key}/pin",
                web::post().to(talking_point::pin),
            )
            .route(
                "/talking-point/themes/{key}/pin",
                web::delete().to(talking_point::unpin),
            )
            .route(
                "/talking-point/themes/{key}/hide",
                web::post().to(talking_point::hide),
            )
            .route(
                "/talking-point/themes/{key}/hide",
                web::delete().to(talking_point::unhide),
            )
            .service(
                // A batch of up to 500 mentions needs more than the usual JSON limit (the whole body stays
                // within the server's 1 MiB).
                web::resource("/mentions")
                    .app_data(
                        web::JsonConfig::default()
                            .limit(crate::middleware::BODY_LIMIT as usize)
                            .error_handler(error::json_error),
                    )
                    .route(web::get().to(talking_point::list))
                    .route(web::post().to(talking_point::ingest)),
            )
            .route("/mentions/{id}/hide", web::post().to(talking_point::hide_mention))
            .route(
                "/mentions/{id}/publish",
                web::post().to(talking_point::publish_mention),
            )
            .route("/webhooks", web::get().to(webhooks::list))
            .route("/webhooks", web::post().to(webhooks::create))
            .route("/webhooks/event-types", web::get().to(webhooks::event_types))
            .route("/webhooks/{id}", web::get().to(webhooks::get))
            .route("/webhooks/{id}", web::put().to(webhooks::update))
            .route("/webhooks/{id}", web::delete().to(webhooks::delete))
            .route(
                "/webhooks/{id}/rotate-secret",
                web::post().to(webhooks::rotate_secret),
            )
            .route("/webhooks/{id}/test", web::post().to(webhooks::send_test))
            .route("/webhooks/{id}/deliveries", web::get().to(webhooks::deliveries))
            .route(
                "/webhooks/{id}/deliveries/{delivery_id}",
                web::get().to(webhooks::delivery_detail),
            )
            .route(
                "/webhooks/{id}/deliveries/{delivery_id}/retry",
                web::post().to(webhooks::retry),
            )
            .route("/notifications", web::get().to(qa::notifications))
            .route("/notifications/read", web::post().to(qa::mark_read))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> actix_web::HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::Domain(DomainError::NotFound("API route")))
}
