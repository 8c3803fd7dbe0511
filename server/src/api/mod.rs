//! REST API v1 under `/api/v1`. Handlers are thin: who is asking, parse the body, call the same domain
//! function as the UI's server function, map the result. The OpenAPI document is generated from these
//! handlers' annotations.

pub mod accounts;
pub mod body;
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
pub mod privacy;
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

pub use body::{Body, OptionalBody};
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

/// Declares the `/api/v1` routes once: they are registered from this list, and [`ROUTES`] names each (method,
/// path) so that a test can check that the OpenAPI document describes every one of them.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every `/api/v1` route as (method, path), `/mentions` and `/brand/logo` (resources of their own) included.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)* ("get", "/mentions"), ("post", "/mentions"),
            ("put", "/brand/logo"), ("delete", "/brand/logo")];

        fn routes(scope: actix_web::Scope) -> actix_web::Scope {
            scope$(.route($path, web::$method().to($handler)))*
        }
    };
}

api_routes! {
    get "/openapi.json" => openapi::document;
    post "/auth/signup" => accounts::signup;
    post "/auth/login" => accounts::login;
    post "/auth/logout" => accounts::logout;
    post "/auth/verify" => accounts::verify;
    post "/auth/verify/resend" => accounts::resend_verification;
    post "/auth/password-reset" => accounts::request_password_reset;
    post "/auth/password-reset/confirm" => accounts::confirm_password_reset;
    post "/auth/password" => accounts::change_password;
    get "/me" => accounts::me;
    patch "/me" => accounts::update_me;
    delete "/me" => privacy::delete_me;
    post "/me/export" => privacy::request_export;
    get "/me/export" => privacy::get_export;
    post "/tokens" => accounts::create_token;
    get "/tokens" => accounts::list_tokens;
    delete "/tokens/{id}" => accounts::revoke_token;
    get "/users/{username}" => users::profile;
    put "/users/{id}/access" => users::set_access;
    post "/users/{id}/anonymise" => privacy::anonymise;
    get "/policy" => policy::current;
    post "/policy" => policy::publish;
    get "/brand" => brand::get;
    put "/brand" => brand::update;
    get "/categories" => forums::list_categories;
    post "/categories" => forums::create_category;
    patch "/categories/{id}" => forums::update_category;
    get "/categories/{slug}/topics" => forums::category_topics;
    put "/categories/{slug}/watch" => forums::watch_category;
    delete "/categories/{slug}/watch" => forums::watch_category;
    get "/topics" => forums::latest;
    post "/topics" => forums::create_topic;
    get "/topics/{id}" => forums::get_topic;
    get "/topics/{id}/posts" => forums::topic_posts;
    post "/topics/{id}/posts" => forums::reply;
    put "/topics/{id}/watch" => forums::watch_topic;
    delete "/topics/{id}/watch" => forums::watch_topic;
    post "/topics/{id}/pin" => forums::pin_topic;
    post "/topics/{id}/unpin" => forums::unpin_topic;
    post "/topics/{id}/lock" => forums::lock_topic;
    post "/topics/{id}/unlock" => forums::unlock_topic;
    post "/topics/{id}/move" => forums::move_topic;
    post "/topics/{id}/merge" => forums::merge_topic;
    patch "/posts/{id}" => forums::edit_post;
    get "/posts/{id}/revisions" => forums::revisions;
    get "/search" => forums::search;
    get "/users/{username}/topics" => forums::member_topics;
    get "/products" => qa::list_products;
    post "/products" => qa::create_product;
    get "/me/products" => qa::my_products;
    put "/me/products" => qa::set_my_products;
    get "/questions" => qa::list_questions;
    post "/questions" => qa::ask;
    get "/questions/similar" => qa::similar;
    get "/questions/{id}" => qa::get_question;
    post "/questions/{id}/answers" => qa::answer;
    post "/answers/{id}/vote" => qa::vote;
    post "/answers/{id}/accept" => qa::accept;
    post "/answers/{id}/comments" => qa::comment;
    get "/ideas" => ideas::list;
    post "/ideas" => ideas::submit;
    get "/ideas/export.csv" => ideas::export;
    get "/ideas/shipped" => ideas::shipped;
    get "/ideas/{id}" => ideas::get;
    put "/ideas/{id}/vote" => ideas::vote;
    delete "/ideas/{id}/vote" => ideas::vote;
    put "/ideas/{id}/follow" => ideas::follow;
    delete "/ideas/{id}/follow" => ideas::follow;
    post "/ideas/{id}/comments" => ideas::comment;
    post "/ideas/{id}/status" => ideas::set_status;
    post "/ideas/{id}/merge" => ideas::merge;
    post "/ideas/{id}/survey" => ideas::survey;
    get "/club/tiers" => club::tiers;
    post "/club/tiers" => club::save_tier;
    post "/club/tiers/{slug}/perks" => club::add_perk;
    get "/club/membership" => club::get_membership;
    put "/club/membership" => club::join;
    patch "/club/membership" => club::set_directory;
    delete "/club/membership" => club::leave;
    get "/club/members" => club::directory;
    put "/club/members/{id}/tier" => club::grant;
    get "/events" => club::list_events;
    post "/events" => club::create_event;
    get "/events/{id}" => club::get_event;
    put "/events/{id}/rsvp" => club::rsvp;
    delete "/events/{id}/rsvp" => club::cancel_rsvp;
    get "/events/{id}/attendees" => club::attendees;
    get "/events/{id}/ics" => club::ics;
    get "/reputation" => club::formula;
    post "/flags" => moderation::flag;
    get "/moderation/queue" => moderation::queue_list;
    post "/moderation/queue/{id}/approve" => moderation::approve;
    post "/moderation/queue/{id}/reject" => moderation::reject;
    get "/moderation/audit" => moderation::audit_log;
    get "/moderation/rules" => moderation::get_rules;
    put "/moderation/rules" => moderation::put_rules;
    post "/posts/{id}/hide" => moderation::hide;
    post "/posts/{id}/appeal" => moderation::appeal_post;
    post "/comments/{id}/appeal" => moderation::appeal_comment;
    post "/users/{id}/suspend" => moderation::suspend;
    post "/users/{id}/unsuspend" => moderation::unsuspend;
    post "/users/{id}/warn" => moderation::warn;
    post "/users/{id}/ban" => moderation::ban;
    post "/policy/accept" => moderation::accept_policy;
    get "/staff/inbox" => moderation::inbox_list;
    post "/staff/inbox/{id}/assign" => moderation::inbox_assign;
    post "/staff/inbox/{id}/unassign" => moderation::inbox_unassign;
    post "/staff/inbox/{id}/handle" => moderation::inbox_handle;
    get "/me/notification-preferences" => notifications::get_preferences;
    put "/me/notification-preferences" => notifications::put_preferences;
    get "/me/preferences" => notifications::get_preferences_alias;
    get "/me/sessions" => accounts::list_sessions;
    delete "/me/sessions" => accounts::end_other_sessions;
    delete "/me/sessions/{id}" => accounts::end_session;
    put "/me/preferences" => notifications::put_preferences_alias;
    post "/unsubscribe" => notifications::unsubscribe;
    get "/stream" => stream::stream;
    get "/insights/{report}.csv" => insights::csv;
    get "/insights/{report}" => insights::get;
    get "/talking-point" => talking_point::get;
    get "/talking-point/ignored-terms" => talking_point::get_ignored;
    put "/talking-point/ignored-terms" => talking_point::put_ignored;
    post "/talking-point/themes/{key}/pin" => talking_point::pin;
    delete "/talking-point/themes/{key}/pin" => talking_point::unpin;
    post "/talking-point/themes/{key}/hide" => talking_point::hide;
    delete "/talking-point/themes/{key}/hide" => talking_point::unhide;
    post "/mentions/{id}/hide" => talking_point::hide_mention;
    post "/mentions/{id}/publish" => talking_point::publish_mention;
    get "/webhooks" => webhooks::list;
    post "/webhooks" => webhooks::create;
    get "/webhooks/event-types" => webhooks::event_types;
    get "/webhooks/{id}" => webhooks::get;
    put "/webhooks/{id}" => webhooks::update;
    delete "/webhooks/{id}" => webhooks::delete;
    post "/webhooks/{id}/rotate-secret" => webhooks::rotate_secret;
    post "/webhooks/{id}/test" => webhooks::send_test;
    get "/webhooks/{id}/deliveries" => webhooks::deliveries;
    get "/webhooks/{id}/deliveries/{delivery_id}" => webhooks::delivery_detail;
    post "/webhooks/{id}/deliveries/{delivery_id}/retry" => webhooks::retry;
    get "/notifications" => qa::notifications;
    post "/notifications/read" => qa::mark_read;
}

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let scope = web::scope("/api/v1")
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(error::json_error),
        )
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .service(
            // The logo's bytes are the body (at most 256 KB, beyond the JSON limit).
            web::resource("/brand/logo")
                .app_data(web::PayloadConfig::new(crate::middleware::BODY_LIMIT as usize))
                .route(web::put().to(brand::put_logo))
                .route(web::delete().to(brand::delete_logo)),
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
        );
    cfg.service(routes(scope).default_service(web::to(not_found)));
}

async fn not_found() -> actix_web::HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::Domain(DomainError::NotFound("API route")))
}
