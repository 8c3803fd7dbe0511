//! Accounts over the API: sign-up, verification, log-in/out, passwords, the caller's profile and tokens.

use super::Body;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use domain::Hearth;
use domain::accounts::{self, Actor, Roles, UserRow, api_tokens, sessions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::ErrorBody;
use super::{ApiError, ApiResult, Caller};
use crate::config::Config;

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: Option<String>,
    pub bio: String,
    /// Always `member`, then any of admin, staff, moderator, product.
    pub roles: Vec<String>,
    pub partner_label: Option<String>,
    pub email_verified: bool,
    /// The fan-club tier; `null` until the member joins the club.
    pub club_tier: Option<String>,
    pub reputation: i64,
    pub accepted_policy_version: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for MeResponse {
    fn from(row: &UserRow) -> Self {
        MeResponse {
            id: row.id.0,
            username: row.username.clone(),
            email: row.email.clone(),
            display_name: row.display_name.clone(),
            bio: row.bio.clone(),
            roles: Roles::from_db(&row.roles).names(),
            partner_label: row.partner_label.clone(),
            email_verified: row.email_verified_at.is_some(),
            club_tier: None,
            reputation: 0,
            accepted_policy_version: row.accepted_policy_version,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignupRequest {
    pub email: String,
    pub username: String,
    pub password: String,
    /// Must be `true`: the member accepts the current acceptable use policy.
    pub accept_policy: bool,
}

/// What sign-up answers, whether the address was new or not (sign-up does not tell who has an account).
#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    /// Always `verification_sent`: look in the mailbox (a new account's confirmation link, or for an address
    /// that already has an account, a note to its owner).
    pub status: String,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
}

/// Creates an account and sends the verification e-mail; the account logs in once its address is confirmed. An
/// address that is already registered gets the same answer (its owner is e-mailed instead).
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts", request_body = SignupRequest,
    responses(
        (status = 201, description = "Verification e-mail queued", body = SignupResponse),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 409, description = "Username taken", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address", body = ErrorBody),
    ))]
pub async fn signup(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<SignupRequest>,
) -> ApiResult<HttpResponse> {
    let input = accounts::SignupInput {
        email: body.email.clone(),
        username: body.username.clone(),
        password: body.password.clone(),
        accept_policy: body.accept_policy,
    };
    accounts::signup(&hearth, &input, &caller.0.client).await?;
    Ok(HttpResponse::Created().json(SignupResponse {
        status: "verification_sent".into(),
        username: input.username.trim().to_owned(),
        email: input.email.trim().to_owned(),
        email_verified: false,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LoginRequest {
    /// E-mail address or username.
    pub login: String,
    pub password: String,
}

fn session_cookie(config: &Config, value: &str, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(sessions::cookie_name(config.https()), value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.https())
        .max_age(max_age)
        .finish()
}

/// Logs in; answers with the account and sets the session cookie (HttpOnly, SameSite=Lax).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; `hearth_session` cookie set", body = MeResponse),
        (status = 400, description = "Missing fields", body = ErrorBody),
        (status = 401, description = "Wrong e-mail/username or password", body = ErrorBody),
        (status = 403, description = "E-mail address not confirmed yet", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    hearth: web::Data<Hearth>,
    config: web::Data<Config>,
    caller: Caller,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let input = accounts::LoginInput {
        login: body.login.clone(),
        password: body.password.clone(),
    };
    let (user, token) = accounts::login(&hearth, &input, &caller.0.client).await?;
    // A new log-in replaces the session the browser had (never two live sessions for one cookie jar).
    if let Some(previous) = &caller.0.actor {
        accounts::logout(&hearth, previous).await?;
    }
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(
            &config,
            &token,
            CookieDuration::seconds(sessions::TTL_SECONDS as i64),
        ))
        .json(MeResponse::from(&user)))
}

/// Ends the caller's session (server-side) and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    responses((status = 204, description = "Logged out (also when no session was open)")))]
pub async fn logout(
    hearth: web::Data<Hearth>,
    config: web::Data<Config>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    if let Some(actor) = &caller.0.actor {
        accounts::logout(&hearth, actor).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie(&config, "", CookieDuration::ZERO))
        .finish())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedResponse {
    pub verified: bool,
    pub username: String,
}

/// Confirms an e-mail address with the token from the verification e-mail.
#[utoipa::path(post, path = "/api/v1/auth/verify", tag = "accounts", request_body = TokenRequest,
    responses(
        (status = 200, body = VerifiedResponse),
        (status = 400, description = "Unknown, used or expired token", body = ErrorBody),
    ))]
pub async fn verify(hearth: web::Data<Hearth>, body: Body<TokenRequest>) -> ApiResult<HttpResponse> {
    let user = accounts::verify_email(&hearth, &body.token).await?;
    Ok(HttpResponse::Ok().json(VerifiedResponse {
        verified: true,
        username: user.username,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EmailRequest {
    pub email: String,
}

/// Sends a new verification link (the answer is the same whether or not the address has an account).
#[utoipa::path(post, path = "/api/v1/auth/verify/resend", tag = "accounts", request_body = EmailRequest,
    responses((status = 202), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn resend_verification(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<EmailRequest>,
) -> ApiResult<HttpResponse> {
    accounts::resend_verification(&hearth, &body.email, &caller.0.client).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sends a password-reset link (the answer is the same whether or not the address has an account).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = EmailRequest,
    responses((status = 202), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn request_password_reset(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<EmailRequest>,
) -> ApiResult<HttpResponse> {
    accounts::request_password_reset(&hearth, &body.email, &caller.0.client).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResetConfirmRequest {
    pub token: String,
    pub password: String,
}

/// Sets a new password with the token from the reset e-mail; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirmRequest,
    responses((status = 204), (status = 400, description = "Bad token or weak password", body = ErrorBody)))]
pub async fn confirm_password_reset(
    hearth: web::Data<Hearth>,
    body: Body<ResetConfirmRequest>,
) -> ApiResult<HttpResponse> {
    accounts::confirm_password_reset(&hearth, &body.token, &body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's password; their other sessions end.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "accounts", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_password(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    accounts::change_password(
        &hearth,
        caller.actor()?,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn load_row(hearth: &Hearth, actor: &Actor) -> ApiResult<UserRow> {
    accounts::find(hearth, actor.id)
        .await?
        .ok_or(ApiError::Domain(domain::DomainError::Unauthenticated))
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = MeResponse), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn me(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let row = load_row(&hearth, caller.actor()?).await?;
    let mut me = MeResponse::from(&row);
    me.reputation = i64::from(domain::reputation::breakdown(&hearth, row.id).await?.points);
    me.club_tier = domain::club::membership(&hearth, row.id)
        .await?
        .and_then(|m| m.tier)
        .map(|t| t.slug);
    Ok(HttpResponse::Ok().json(me))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UpdateMeRequest {
    /// Omitted: unchanged. Empty: removed.
    pub display_name: Option<String>,
    /// Omitted: unchanged.
    pub bio: Option<String>,
}

/// Edits the caller's profile.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", request_body = UpdateMeRequest,
    responses((status = 200, body = MeResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn update_me(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let actor = caller.actor()?;
    let row = load_row(&hearth, actor).await?;
    let input = accounts::ProfileInput {
        display_name: body
            .display_name
            .clone()
            .unwrap_or_else(|| row.display_name.clone().unwrap_or_default()),
        bio: body.bio.clone().unwrap_or(row.bio),
    };
    let row = accounts::update_profile(&hearth, actor, &input).await?;
    Ok(HttpResponse::Ok().json(MeResponse::from(&row)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateTokenRequest {
    /// What the token is for (1–60 characters).
    pub name: String,
    /// What it may do: read (always), write, staff, moderation, product, admin, mentions — never more than
    /// your roles. Empty or absent: read only.
    #[schema(nullable = true)]
    pub scopes: Option<Vec<String>>,
    /// When it stops working (RFC 3339 or YYYY-MM-DD, within 366 days); absent or null: never.
    #[schema(nullable = true)]
    pub expires_at: Option<String>,
    /// Your current password (tokens are created from a signed-in session, never with a token).
    pub current_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub id: i64,
    pub name: String,
    /// The first characters, to recognise the token later.
    pub prefix: String,
    /// The secret: present only in the answer that creates the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
}

impl From<&api_tokens::ApiToken> for TokenResponse {
    fn from(t: &api_tokens::ApiToken) -> Self {
        TokenResponse {
            id: t.id.0,
            name: t.name.clone(),
            prefix: t.token_prefix.clone(),
            token: None,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
            scopes: t.scopes.clone(),
            expires_at: t.expires_at,
            expired: t.expired(),
        }
    }
}

/// Creates a personal API token for `Authorization: Bearer <token>` with its scopes and optional expiry (needs
/// the current password and a session; a token cannot create tokens). The secret is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateTokenRequest,
    responses((status = 201, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_token(
    hearth: web::Data<Hearth>,
    caller: Caller,
    body: Body<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let input = api_tokens::NewToken {
        name: body.name,
        scopes: body.scopes.unwrap_or_default(),
        expires_at: body.expires_at,
        current_password: body.current_password,
    };
    let (token, secret) = api_tokens::create(&hearth, caller.actor()?, &input).await?;
    let mut response = TokenResponse::from(&token);
    response.token = Some(secret);
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenResponse>,
    pub next: Option<String>,
}

/// The caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    responses((status = 200, body = TokenList), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let tokens = api_tokens::list(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::Ok().json(TokenList {
        items: tokens.iter().map(TokenResponse::from).collect(),
        next: None,
    }))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    api_tokens::revoke(&hearth, caller.actor()?, domain::ids::ApiTokenId(id.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// What ends it (`DELETE /api/v1/me/sessions/{id}`).
    pub id: String,
    /// Browser and system, from the user agent.
    pub device: String,
    /// The address it was started from.
    pub ip: String,
    pub created_at: DateTime<Utc>,
    /// Within five minutes.
    pub last_seen_at: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionListResponse {
    pub items: Vec<SessionResponse>,
}

/// The caller's signed-in sessions (devices), newest first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts",
    responses((status = 200, body = SessionListResponse), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let items = accounts::my_sessions(&hearth, caller.actor()?)
        .await?
        .into_iter()
        .map(|s| SessionResponse {
            id: s.id,
            device: s.device,
            ip: s.ip,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            current: s.current,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SessionListResponse { items }))
}

/// Ends one of the caller's sessions (another device; the current one logs out).
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    hearth: web::Data<Hearth>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    accounts::end_session(&hearth, caller.actor()?, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndedResponse {
    /// How many sessions ended.
    pub ended: usize,
}

/// Ends every session of the caller but the current one.
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "accounts",
    responses((status = 200, body = EndedResponse), (status = 401, body = ErrorBody)))]
pub async fn end_other_sessions(hearth: web::Data<Hearth>, caller: Caller) -> ApiResult<HttpResponse> {
    let ended = accounts::end_other_sessions(&hearth, caller.actor()?).await?;
    Ok(HttpResponse::Ok().json(EndedResponse { ended }))
}
