//! The acceptable use policy.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::policy::{self, PolicyVersion};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiResult, Caller};

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyResponse {
    pub version: i32,
    pub title: String,
    /// The source, Markdown.
    pub body: String,
    /// Rendered and sanitised.
    pub body_html: String,
    pub published_at: DateTime<Utc>,
}

impl From<PolicyVersion> for PolicyResponse {
    fn from(p: PolicyVersion) -> Self {
        PolicyResponse {
            version: p.version,
            title: p.title,
            body: p.body_md,
            body_html: p.body_html,
            published_at: p.created_at,
        }
    }
}

/// The acceptable use policy in force.
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", responses((status = 200, body = PolicyResponse)))]
pub async fn current(hearth: web::Data<Hearth>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(PolicyResponse::from(policy::current(&hearth).await?)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PublishPolicyRequest {
    pub title: String,
    /// Markdown.
    pub body: String,
}

/// Publishes a new version (admins only; audited).
#[utoipa::path(post, path = "/api/v1/policy", tag = "policy", request_body = PublishPolicyRequest,
    responses(
        (status = 201, body = PolicyResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
pub async fn publish(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<PublishPolicyRequest>,
) -> ApiResult<HttpResponse> {
    let created = policy::publish(&hearth, caller.actor()?, &body.title, &body.body).await?;
    Ok(HttpResponse::Created().json(PolicyResponse::from(created)))
}
