//! Notification e-mail preferences and the one-click unsubscribe link.

use super::Body;
use actix_web::{HttpResponse, web};
use domain::Hearth;
use domain::mail::notify;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::{ApiResult, Caller};

#[derive(Debug, Serialize, ToSchema)]
pub struct PreferenceResponse {
    /// replies, mentions, qa, watching, ideas, events or moderation
    pub topic: String,
    pub label: String,
    /// immediately, daily, weekly or never
    pub delivery: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreferencesResponse {
    pub items: Vec<PreferenceResponse>,
}

async fn current(hearth: &Hearth, caller: &Caller) -> ApiResult<HttpResponse> {
    let items = notify::preferences(hearth, caller.actor()?)
        .await?
        .into_iter()
        .map(|(topic, label, delivery)| PreferenceResponse {
            topic: topic.into(),
            label: label.into(),
            delivery: delivery.as_str().into(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(PreferencesResponse { items }))
}

/// How the caller hears about each kind of event by e-mail.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications",
    responses((status = 200, body = PreferencesResponse), (status = 401, body = ErrorBody)))]
pub async fn get_preferences(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    current(&hearth, &caller).await
}

/// Changes some preferences: `{"replies": "daily", "watching": "never"}`.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications",
    request_body = Object,
    responses((status = 200, body = PreferencesResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put_preferences(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<std::collections::BTreeMap<String, String>>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    for (topic, delivery) in body.iter() {
        notify::set_preference(&hearth, actor, topic, delivery).await?;
    }
    current(&hearth, &caller).await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnsubscribeQuery {
    pub u: i64,
    pub t: String,
    pub s: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnsubscribedResponse {
    /// What stops: the kind of e-mail.
    pub stopped: String,
}

/// One-click unsubscribe (RFC 8058): the signed link of an e-mail, no log-in. A forged link is 403.
#[utoipa::path(post, path = "/api/v1/unsubscribe", tag = "notifications", params(UnsubscribeQuery),
    responses((status = 200, body = UnsubscribedResponse), (status = 403, body = ErrorBody)))]
pub async fn unsubscribe(
    hearth: web::Data<Hearth>,
    query: web::Query<UnsubscribeQuery>,
) -> ApiResult<HttpResponse> {
    let stopped = notify::unsubscribe(&hearth, query.u, &query.t, &query.s).await?;
    Ok(HttpResponse::Ok().json(UnsubscribedResponse {
        stopped: stopped.into(),
    }))
}

/// The caller's e-mail preferences (the contract's path; `/me/notification-preferences` is the same).
#[utoipa::path(get, path = "/api/v1/me/preferences", tag = "notifications",
    responses((status = 200, body = PreferencesResponse), (status = 401, body = ErrorBody)))]
pub async fn get_preferences_alias(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    current(&hearth, &caller).await
}

/// Changes some e-mail preferences: `{"replies": "daily", "watching": "never"}` (the contract's path).
#[utoipa::path(put, path = "/api/v1/me/preferences", tag = "notifications",
    request_body = Object,
    responses((status = 200, body = PreferencesResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn put_preferences_alias(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<std::collections::BTreeMap<String, String>>,
) -> ApiResult<HttpResponse> {
    put_preferences(hearth, caller, body).await
}
