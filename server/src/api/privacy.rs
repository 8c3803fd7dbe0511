//! Members' data over the API: asking for an export, its state, deleting one's account, and an admin
//! anonymising a member.

use super::Body;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::accounts::AuthMethod;
use domain::ids::UserId;
use domain::privacy::{self, ExportRow};
use domain::{DomainError, Hearth};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiResult, Caller};

/// A request for an archive of one's data.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportResponse {
    pub id: i64,
    /// `pending` (being built), `ready` (the link is in your e-mail), `downloaded`, `expired` or `failed`.
    pub state: String,
    pub requested_at: DateTime<Utc>,
    pub ready_at: Option<DateTime<Utc>>,
    /// When the e-mailed link stops working.
    pub expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    /// The archive's size, once built.
    pub bytes: Option<i32>,
    /// When the next export may be asked for (one a day).
    pub next_allowed_at: DateTime<Utc>,
}

impl From<&ExportRow> for ExportResponse {
    fn from(row: &ExportRow) -> Self {
        ExportResponse {
            id: row.id,
            state: row.state.clone(),
            requested_at: row.requested_at,
            ready_at: row.ready_at,
            expires_at: row.expires_at,
            downloaded_at: row.downloaded_at,
            bytes: row.bytes,
            next_allowed_at: row.next_allowed_at(),
        }
    }
}

/// Asks for an archive of everything the caller did (a zip of JSON files, one per kind). It is built in the
/// background; a link that works once, for the caller only, for 72 hours, is e-mailed. One a day.
#[utoipa::path(post, path = "/api/v1/me/export", tag = "accounts",
    responses(
        (status = 202, description = "Being built; the link will be e-mailed", body = ExportResponse),
        (status = 401, body = ErrorBody),
        (status = 429, description = "One export a day; see Retry-After", body = ErrorBody),
    ))]
pub async fn request_export(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = privacy::request_export(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::Accepted().json(ExportResponse::from(&row)))
}

/// The caller's latest export request.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts",
    responses(
        (status = 200, body = ExportResponse),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No export was asked for", body = ErrorBody),
    ))]
pub async fn get_export(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = privacy::latest_export(&hearth, caller.actor()?)
        .await?
        .ok_or(DomainError::NotFound("export"))?;
    Ok(HttpResponse::Ok().json(ExportResponse::from(&row)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeleteAccountRequest {
    /// The caller's current password.
    pub password: String,
    /// Remove their posts too (topics they started keep their replies). Otherwise posts stay under a pseudonym.
    pub remove_content: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletionResponse {
    /// When the account will be anonymised; logging in before then cancels it.
    pub deletion_due_at: DateTime<Utc>,
    pub removes_content: bool,
}

/// Deletes the caller's account after a 7-day grace period (logging in cancels it). Needs a browser session
/// and the password; every session ends at once, tokens rest.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", request_body = DeleteAccountRequest,
    responses(
        (status = 202, description = "Scheduled; every session ended", body = DeletionResponse),
        (status = 400, description = "Wrong or missing password", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not with an API token", body = ErrorBody),
        (status = 409, description = "Already scheduled, or the only administrator", body = ErrorBody),
    ))]
pub async fn delete_me(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<DeleteAccountRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    if !matches!(actor.auth, AuthMethod::Session { .. }) {
        return Err(
            DomainError::forbidden("Delete an account from a browser session, not with a token.").into(),
        );
    }
    let due = privacy::request_deletion(&hearth, actor, &body.password, body.remove_content).await?;
    Ok(HttpResponse::Accepted().json(DeletionResponse {
        deletion_due_at: due,
        removes_content: body.remove_content,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AnonymiseRequest {
    /// Remove their posts too.
    pub remove_content: bool,
    /// Why (kept in the audit log).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymisedResponse {
    /// The pseudonym the account now shows (`former_<id>`).
    pub username: String,
}

/// An administrator anonymises a member at once (audited; the audit log names only the pseudonym).
#[utoipa::path(post, path = "/api/v1/users/{id}/anonymise", tag = "accounts", params(("id" = i64, Path)),
    request_body = AnonymiseRequest,
    responses(
        (status = 200, body = AnonymisedResponse),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already deleted, or oneself", body = ErrorBody),
    ))]
pub async fn anonymise(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
    body: Body<AnonymiseRequest>,
) -> ApiResult<HttpResponse> {
    let username = privacy::erase_now(
        &hearth,
        caller.actor()?,
        UserId(*id),
        body.remove_content,
        &body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(AnonymisedResponse { username }))
}
