use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::inputs::{self, Email, Password, Username};
use super::rows::{NewUser, UserRow};
use super::{Actor, AuthMethod, Role, Roles, password, sessions};
use crate::audit::{self, NewAuditEntry};
use crate::db::lower;
use crate::ids::UserId;
use crate::mail::{self, templates};
use crate::ratelimit::{self, Limit};
use crate::schema::{api_tokens, club_members, club_tiers, email_tokens, users};

use crate::{DomainError, DomainResult, FieldErrors, Hearth, brand, db, policy, secrets};

/// Where a request comes from (for rate limits and the session list).
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    pub ip: String,
    pub user_agent: String,
}

const VERIFY_TTL_HOURS: i64 = 48;
const RESET_TTL_MINUTES: i64 = 60;

/// Log-in throttling, in Redis. Attempts are counted *before* the password is checked (atomically, so a
/// parallel burst cannot slip through): per IP address, and per (account, IP) pair. Failures are also counted
/// per account, across addresses; that window stops a distributed attack but never blocks an address the
/// member has logged in from before — so an attacker's burst does not lock the owner out.
pub const LOGIN_PER_ACCOUNT_AND_IP: Limit = Limit::new(5, 15 * 60);
pub const LOGIN_PER_IP: Limit = Limit::new(30, 15 * 60);
pub const LOGIN_PER_ACCOUNT: Limit = Limit::new(50, 60 * 60);
/// How long an address stays "known" for an account after a successful log-in.
const KNOWN_ADDRESS_SECONDS: i64 = 90 * 24 * 3600;
pub const SIGNUP_PER_IP: Limit = Limit::new(10, 60 * 60);
pub const MAIL_REQUESTS_PER_IP: Limit = Limit::new(10, 60 * 60);
pub const MAIL_REQUESTS_PER_ADDRESS: Limit = Limit::new(3, 60 * 60);

fn unique_field(err: &diesel::result::Error) -> Option<DomainError> {
    match db::unique_violation(err)? {
        "users_email_lower_key" => Some(DomainError::conflict(
            "email",
            "is already registered — log in or reset your password",
        )),
        "users_username_lower_key" => Some(DomainError::conflict("username", "is already taken")),
        _ => None,
    }
}

async fn issue_token(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    purpose: &str,
    email: &str,
    ttl: Duration,
) -> DomainResult<String> {
    let token = secrets::random_token(32);
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose),
            email_tokens::token_hash.eq(secrets::token_hash(&token)),
            email_tokens::email.eq(email),
            email_tokens::expires_at.eq(Utc::now() + ttl),
        ))
        .execute(conn)
        .await?;
    Ok(token)
}

/// Marks a token used and returns its user, or explains why it cannot be used.
async fn consume_token(
    conn: &mut AsyncPgConnection,
    purpose: &str,
    token: &str,
) -> DomainResult<(UserRow, String)> {
    let invalid = || {
        DomainError::invalid(
            "token",
            "This link is invalid, was already used or has expired. Please ask for a new one.",
        )
    };
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Err(invalid());
    }
    type TokenRow = (i64, UserId, String, DateTime<Utc>, Option<DateTime<Utc>>);
    let row: Option<TokenRow> = email_tokens::table
        .filter(email_tokens::token_hash.eq(secrets::token_hash(token)))
        .filter(email_tokens::purpose.eq(purpose))
        .select((
            email_tokens::id,
            email_tokens::user_id,
            email_tokens::email,
            email_tokens::expires_at,
            email_tokens::used_at,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some((token_id, user_id, email, expires_at, used_at)) = row else {
        return Err(invalid());
    };
    if used_at.is_some() || expires_at < Utc::now() {
        return Err(invalid());
    }
    diesel::update(email_tokens::table.find(token_id))
        .set(email_tokens::used_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    let user: UserRow = users::table
        .find(user_id)
        .select(UserRow::as_select())
        .first(conn)
        .await?;
    // A token for an address the member has since changed is worthless.
    if !user.email.eq_ignore_ascii_case(&email) {
        return Err(invalid());
    }
    Ok((user, email))
}

/// Sign-up form input, as typed.
#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub email: String,
    pub username: String,
    pub password: String,
    pub accept_policy: bool,
}

/// What a sign-up did. Both answer the same to the caller ("check your e-mail"), so that sign-up does not tell
/// who has an account: the owner of a registered address gets an e-mail saying so instead.
#[derive(Debug, Clone)]
pub enum SignupOutcome {
    Created(Box<UserRow>),
    AddressTaken,
}

impl SignupOutcome {
    pub fn created(self) -> Option<UserRow> {
        match self {
            SignupOutcome::Created(user) => Some(*user),
            SignupOutcome::AddressTaken => None,
        }
    }
}

/// Creates an unverified account and sends the verification e-mail (through the outbox, same transaction). For
/// an address that is already registered nothing is created: its owner is e-mailed a way to log in or reset the
/// password, and the caller is answered as if it were new.
pub async fn signup(
    hearth: &Hearth,
    input: &SignupInput,
    client: &ClientMeta,
) -> DomainResult<SignupOutcome> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(&input.email));
    let username = errors.check("username", Username::parse(&input.username));
    let password = errors.check(
        "password",
        Password::parse_new(&input.password, &[input.username.trim(), input.email.trim()]),
    );
    if !input.accept_policy {
        errors.add("accept_policy", "must be accepted to join the community");
    }
    errors.into_result()?;
    let (Some(email), Some(username), Some(password)) = (email, username, password) else {
        return Err(DomainError::internal("validated input missing"));
    };
    ratelimit::hit(
        hearth.kv(),
        &format!("signup:ip:{}", ratelimit::address(&client.ip)),
        SIGNUP_PER_IP,
    )
    .await?;

    let hash = password::hash(&password).await?;
    let brand = brand::current(hearth);
    let mut conn = db::conn(hearth.db()).await?;
    let outcome = conn
        .transaction::<SignupOutcome, DomainError, _>(async |conn| {
            let policy = policy::current_in(conn).await?;
            let owner: Option<(String, String)> = users::table
                .filter(lower(users::email).eq(email.as_str().to_lowercase()))
                .select((users::email, users::username))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            if let Some((to, owner_name)) = owner {
                let reset = hearth.url("/forgot-password");
                mail::enqueue(
                    conn,
                    &templates::signup_existing(&brand, &to, &owner_name, &reset),
                )
                .await?;
                return Ok(SignupOutcome::AddressTaken);
            }
            let inserted = diesel::insert_into(users::table)
                .values(NewUser {
                    username: username.as_str(),
                    email: email.as_str(),
                    password_hash: &hash,
                    roles: Vec::new(),
                    email_verified_at: None,
                    accepted_policy_version: Some(policy.version),
                    accepted_policy_at: Some(Utc::now()),
                })
                .returning(UserRow::as_returning())
                .get_result::<UserRow>(conn)
                .await;
            let user = match inserted {
                Ok(user) => user,
                Err(e) => match unique_field(&e) {
                    // Registered a moment ago by a concurrent sign-up: answered like any taken address (the
                    // transaction is spoilt by the error, so the owner's mail waits for the next attempt).
                    Some(DomainError::Conflict { field: Some(f), .. }) if f == "email" => {
                        return Err(DomainError::conflict(
                            "email",
                            "is being registered; try again in a moment",
                        ));
                    }
                    Some(other) => return Err(other),
                    None => return Err(e.into()),
                },
            };
            let token = issue_token(
                conn,
                user.id,
                "verify_email",
                &user.email,
                Duration::hours(VERIFY_TTL_HOURS),
            )
            .await?;
            let link = hearth.url(&format!("/verify?token={token}"));
            mail::enqueue(
                conn,
                &templates::verify_email(&brand, &user.email, &user.username, &link),
            )
            .await?;
            crate::webhooks::payloads::member_created(conn, user.id).await?;
            Ok(SignupOutcome::Created(Box::new(user)))
        })
        .await?;
    hearth.wake_mailer();
    match &outcome {
        SignupOutcome::Created(user) => tracing::info!(user_id = %user.id, "account created"),
        SignupOutcome::AddressTaken => {
            tracing::info!("sign-up with a registered address; its owner was e-mailed")
        }
    }
    Ok(outcome)
}

/// Confirms an e-mail address with the token from the verification mail.
pub async fn verify_email(hearth: &Hearth, token: &str) -> DomainResult<UserRow> {
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<UserRow, DomainError, _>(async |conn| {
        let (user, _) = consume_token(conn, "verify_email", token).await?;
        let user = diesel::update(users::table.find(user.id))
            .set((
                users::email_verified_at.eq(user.email_verified_at.unwrap_or_else(Utc::now)),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(UserRow::as_returning())
            .get_result(conn)
            .await?;
        Ok(user)
    })
    .await
}

async fn mail_request_limits(
    hearth: &Hearth,
    kind: &str,
    address: &str,
    client: &ClientMeta,
) -> DomainResult<()> {
    ratelimit::hit(
        hearth.kv(),
        &format!("{kind}:ip:{}", ratelimit::address(&client.ip)),
        MAIL_REQUESTS_PER_IP,
    )
    .await?;
    ratelimit::hit(
        hearth.kv(),
        &format!("{kind}:addr:{}", address.to_lowercase()),
        MAIL_REQUESTS_PER_ADDRESS,
    )
    .await
}

async fn user_by_email(conn: &mut AsyncPgConnection, email: &str) -> DomainResult<Option<UserRow>> {
    Ok(users::table
        .filter(lower(users::email).eq(email.to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Sends a new verification link when the address belongs to an unverified account. Answers the same
/// whether or not it does, so that it cannot be used to probe for accounts.
pub async fn resend_verification(hearth: &Hearth, email: &str, client: &ClientMeta) -> DomainResult<()> {
    let email = Email::parse(email).map_err(|m| DomainError::invalid("email", m))?;
    mail_request_limits(hearth, "verify", email.as_str(), client).await?;
    let brand = brand::current(hearth);
    let mut conn = db::conn(hearth.db()).await?;
    let sent = conn
        .transaction::<bool, DomainError, _>(async |conn| {
            let Some(user) = user_by_email(conn, email.as_str()).await? else {
                return Ok(false);
            };
            if user.email_verified_at.is_some() {
                return Ok(false);
            }
            let token = issue_token(
                conn,
                user.id,
                "verify_email",
                &user.email,
                Duration::hours(VERIFY_TTL_HOURS),
            )
            .await?;
            let link = hearth.url(&format!("/verify?token={token}"));
            mail::enqueue(
                conn,
                &templates::verify_email(&brand, &user.email, &user.username, &link),
            )
            .await?;
            Ok(true)
        })
        .await?;
    if sent {
        hearth.wake_mailer();
    }
    Ok(())
}

/// Log-in form input.
#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    /// E-mail address or username.
    pub login: String,
    pub password: String,
}

/// Checks the credentials and starts a session. Returns the account and the session cookie value.
pub async fn login(
    hearth: &Hearth,
    input: &LoginInput,
    client: &ClientMeta,
) -> DomainResult<(UserRow, String)> {
    let done = log_in(hearth, input, client).await?;
    Ok((done.user, done.cookie))
}

/// A successful log-in.
#[derive(Debug, Clone)]
pub struct LoggedIn {
    pub user: UserRow,
    /// The session cookie's value.
    pub cookie: String,
    /// The account was to be deleted; logging in cancelled that.
    pub deletion_cancelled: bool,
}

/// [`login`], telling also whether it cancelled a pending deletion of the account.
pub async fn log_in(hearth: &Hearth, input: &LoginInput, client: &ClientMeta) -> DomainResult<LoggedIn> {
    let mut errors = FieldErrors::new();
    let login = errors
        .check("login", crate::text::line(&input.login))
        .unwrap_or_default();
    if login.is_empty() && !errors.0.contains_key("login") {
        errors.add("login", "is required");
    } else if login.len() > 254 {
        errors.add("login", "is too long");
    }
    let password = errors.check("password", Password::parse_attempt(&input.password));
    errors.into_result()?;
    let Some(password) = password else {
        return Err(DomainError::internal("validated input missing"));
    };

    let kv = hearth.kv();
    let login_key = login.to_lowercase();
    let ip_window = format!("login:ip:{}", ratelimit::address(&client.ip));
    let pair_window = format!("login:acct-ip:{login_key}:{}", ratelimit::address(&client.ip));
    ratelimit::hit(kv, &ip_window, LOGIN_PER_IP).await?;
    ratelimit::hit(kv, &pair_window, LOGIN_PER_ACCOUNT_AND_IP).await?;

    let mut conn = db::conn(hearth.db()).await?;
    let user: Option<UserRow> = users::table
        .filter(
            lower(users::email)
                .eq(&login_key)
                .or(lower(users::username).eq(&login_key)),
        )
        .filter(users::deleted_at.is_null())
        .select(UserRow::as_select())
        .first(&mut conn)
        .await
        .optional()?;
    let account_window = user.as_ref().map(|u| format!("login:acct:{}", u.id));
    let known_key = user.as_ref().map(|u| kv.key(&format!("login:known:{}", u.id)));
    if let (Some(window), Some(known_key)) = (&account_window, &known_key) {
        let mut redis = kv.conn();
        let known: bool = redis::cmd("SISMEMBER")
            .arg(known_key)
            .arg(&client.ip)
            .query_async(&mut redis)
            .await?;
        if !known {
            ratelimit::check_all(kv, &[(window.as_str(), LOGIN_PER_ACCOUNT)]).await?;
        }
    }
    let ok = password::verify(&password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
    let user = match (ok, user) {
        (true, Some(user)) => user,
        _ => {
            if let Some(window) = &account_window {
                ratelimit::count_event(kv, window, LOGIN_PER_ACCOUNT).await?;
            }
            tracing::info!(ip = %client.ip, "failed log-in");
            return Err(DomainError::InvalidCredentials);
        }
    };
    if user.email_verified_at.is_none() {
        return Err(DomainError::EmailNotVerified);
    }
    ratelimit::clear(kv, &pair_window).await?;
    ratelimit::refund(kv, &ip_window).await?;
    if let Some(known_key) = &known_key {
        let mut redis = kv.conn();
        redis::pipe()
            .sadd(known_key, &client.ip)
            .expire(known_key, KNOWN_ADDRESS_SECONDS)
            .query_async::<()>(&mut redis)
            .await?;
    }
    diesel::update(users::table.find(user.id))
        .set(users::last_login_at.eq(diesel::dsl::now))
        .execute(&mut conn)
        .await?;
    // Logging in during the grace period of a deletion cancels it (the member is e-mailed).
    let deletion_cancelled = crate::privacy::cancel_deletion(hearth, user.id).await?;
    let cookie = sessions::create(kv, user.id, &client.ip, &client.user_agent).await?;
    Ok(LoggedIn {
        user,
        cookie,
        deletion_cancelled,
    })
}

/// Ends the session the actor is using (log-out). Token-authenticated requests have no session to end.
pub async fn logout(hearth: &Hearth, actor: &Actor) -> DomainResult<()> {
    if let AuthMethod::Session { key } = &actor.auth {
        sessions::destroy(hearth.kv(), key).await?;
    }
    Ok(())
}

/// Sends a password-reset link when the address belongs to an account; answers the same either way.
pub async fn request_password_reset(hearth: &Hearth, email: &str, client: &ClientMeta) -> DomainResult<()> {
    let email = Email::parse(email).map_err(|m| DomainError::invalid("email", m))?;
    mail_request_limits(hearth, "reset", email.as_str(), client).await?;
    let brand = brand::current(hearth);
    let mut conn = db::conn(hearth.db()).await?;
    let sent = conn
        .transaction::<bool, DomainError, _>(async |conn| {
            let Some(user) = user_by_email(conn, email.as_str()).await? else {
                return Ok(false);
            };
            let token = issue_token(
                conn,
                user.id,
                "reset_password",
                &user.email,
                Duration::minutes(RESET_TTL_MINUTES),
            )
            .await?;
            let link = hearth.url(&format!("/reset-password?token={token}"));
            mail::enqueue(
                conn,
                &templates::password_reset(&brand, &user.email, &user.username, &link),
            )
            .await?;
            Ok(true)
        })
        .await?;
    if sent {
        hearth.wake_mailer();
    }
    Ok(())
}

/// Sets a new password with a reset token. Every session of the account ends; the address counts as verified
/// (the member just proved they read its mail).
pub async fn confirm_password_reset(
    hearth: &Hearth,
    token: &str,
    new_password: &str,
) -> DomainResult<UserRow> {
    let mut conn = db::conn(hearth.db()).await?;
    // Look the account up first (without consuming the token) to check the password against it.
    let owner: Option<UserRow> = email_tokens::table
        .inner_join(users::table)
        .filter(email_tokens::token_hash.eq(secrets::token_hash(token.trim())))
        .filter(email_tokens::purpose.eq("reset_password"))
        .select(UserRow::as_select())
        .first(&mut conn)
        .await
        .optional()?;
    let personal: Vec<&str> = owner
        .iter()
        .flat_map(|u| [u.username.as_str(), u.email.as_str()])
        .collect();
    let password =
        Password::parse_new(new_password, &personal).map_err(|m| DomainError::invalid("password", m))?;
    let hash = password::hash(&password).await?;
    let user = conn
        .transaction::<UserRow, DomainError, _>(async |conn| {
            let (user, _) = consume_token(conn, "reset_password", token).await?;
            // Other outstanding reset links die with this one.
            diesel::update(
                email_tokens::table
                    .filter(email_tokens::user_id.eq(user.id))
                    .filter(email_tokens::purpose.eq("reset_password"))
                    .filter(email_tokens::used_at.is_null()),
            )
            .set(email_tokens::used_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
            // Recovering an account also shuts out whatever an intruder set up: personal API tokens die too.
            diesel::update(
                api_tokens::table
                    .filter(api_tokens::user_id.eq(user.id))
                    .filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
            let user = diesel::update(users::table.find(user.id))
                .set((
                    users::password_hash.eq(&hash),
                    users::email_verified_at.eq(user.email_verified_at.unwrap_or_else(Utc::now)),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await?;
            Ok(user)
        })
        .await?;
    sessions::destroy_all(hearth.kv(), user.id, None).await?;
    Ok(user)
}

/// Re-authentication before a sensitive change (a new password, a token, deleting the account): at most 10 tries
/// per quarter hour per member and `action`, and the current password must match — a field error on `field`
/// otherwise. Returns the member's row.
pub(crate) async fn confirm_password(
    hearth: &Hearth,
    actor: &Actor,
    action: &str,
    field: &'static str,
    typed: &Password,
) -> DomainResult<UserRow> {
    ratelimit::hit(
        hearth.kv(),
        &format!("{action}:{}", actor.id),
        Limit::new(10, 15 * 60),
    )
    .await?;
    let mut conn = db::conn(hearth.db()).await?;
    let row: UserRow = users::table
        .find(actor.id)
        .select(UserRow::as_select())
        .first(&mut conn)
        .await?;
    if !password::verify(typed, Some(&row.password_hash)).await? {
        return Err(DomainError::invalid(field, "is not your current password"));
    }
    Ok(row)
}

/// Changes the actor's password after checking the current one; every other session ends and a notice is
/// mailed.
pub async fn change_password(
    hearth: &Hearth,
    actor: &Actor,
    current: &str,
    new_password: &str,
) -> DomainResult<()> {
    let mut errors = FieldErrors::new();
    let current = errors.check("current_password", Password::parse_attempt(current));
    let new = errors.check(
        "new_password",
        Password::parse_new(new_password, &[&actor.username, &actor.email]),
    );
    errors.into_result()?;
    let (Some(current), Some(new)) = (current, new) else {
        return Err(DomainError::internal("validated input missing"));
    };
    let row = confirm_password(hearth, actor, "change-password", "current_password", &current).await?;
    let mut conn = db::conn(hearth.db()).await?;
    if password::verify(&new, Some(&row.password_hash)).await? {
        return Err(DomainError::invalid(
            "new_password",
            "must differ from your current password",
        ));
    }
    let hash = password::hash(&new).await?;
    let brand = brand::current(hearth);
    let link = hearth.url("/forgot-password");
    conn.transaction::<(), DomainError, _>(async |conn| {
        diesel::update(users::table.find(actor.id))
            .set((
                users::password_hash.eq(&hash),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        // A new password ends every personal API token too (the e-mail says so).
        diesel::update(
            api_tokens::table
                .filter(api_tokens::user_id.eq(actor.id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
        mail::enqueue(
            conn,
            &templates::password_changed(&brand, &row.email, &row.username, &link),
        )
        .await?;
        Ok(())
    })
    .await?;
    hearth.wake_mailer();
    let keep = match &actor.auth {
        AuthMethod::Session { key } => Some(key.as_str()),
        AuthMethod::Token { .. } => None,
    };
    sessions::destroy_all(hearth.kv(), actor.id, keep).await?;
    Ok(())
}

/// Profile edit input.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub display_name: String,
    pub bio: String,
}

pub async fn update_profile(hearth: &Hearth, actor: &Actor, input: &ProfileInput) -> DomainResult<UserRow> {
    actor.require_active()?;
    let mut errors = FieldErrors::new();
    let display_name = errors.check("display_name", inputs::parse_display_name(&input.display_name));
    let bio = errors.check("bio", inputs::parse_bio(&input.bio));
    errors.into_result()?;
    let mut conn = db::conn(hearth.db()).await?;
    Ok(diesel::update(users::table.find(actor.id))
        .set((
            users::display_name.eq(display_name.flatten()),
            users::bio.eq(bio.unwrap_or_default()),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .returning(UserRow::as_returning())
        .get_result(&mut conn)
        .await?)
}

pub async fn find(hearth: &Hearth, id: UserId) -> DomainResult<Option<UserRow>> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(&mut conn)
        .await
        .optional()?)
}

/// An account, whether it belongs to the fan club and the rank of its club tier, in one query.
pub async fn find_with_club(
    hearth: &Hearth,
    id: UserId,
) -> DomainResult<Option<(UserRow, bool, Option<i32>)>> {
    let mut conn = db::conn(hearth.db()).await?;
    let found: Option<(UserRow, Option<UserId>, Option<i32>)> = users::table
        .left_join(club_members::table.left_join(club_tiers::table))
        .filter(users::id.eq(id))
        // An account being deleted (or deleted) has no sessions.
        .filter(users::deletion_requested_at.is_null())
        .filter(users::deleted_at.is_null())
        .select((
            UserRow::as_select(),
            club_members::user_id.nullable(),
            club_tiers::rank.nullable(),
        ))
        .first(&mut conn)
        .await
        .optional()?;
    Ok(found.map(|(row, club, rank)| (row, club.is_some(), rank)))
}

pub async fn find_by_username(hearth: &Hearth, username: &str) -> DomainResult<Option<UserRow>> {
    if username.is_empty() || username.len() > 40 || username.chars().any(char::is_control) {
        return Ok(None);
    }
    let mut conn = db::conn(hearth.db()).await?;
    Ok(users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(UserRow::as_select())
        .first(&mut conn)
        .await
        .optional()?)
}

/// The member behind a session cookie, if the session is live and the account exists.
pub async fn actor_for_session(hearth: &Hearth, cookie_value: &str) -> DomainResult<Option<Actor>> {
    let Some((key, data)) = sessions::load(hearth.kv(), cookie_value).await? else {
        return Ok(None);
    };
    session_actor(hearth, key, data).await
}

/// Whether the way a request proved who it is still holds, and who that is now (roles, club tier and
/// suspension as they are now): an open event stream asks every few minutes. `None`: the session ended or the
/// token was revoked, expired or its account is being deleted.
pub async fn recheck(hearth: &Hearth, actor: &Actor) -> DomainResult<Option<Actor>> {
    match &actor.auth {
        AuthMethod::Session { key } => match sessions::peek(hearth.kv(), key).await? {
            Some(data) if data.user_id == actor.id => session_actor(hearth, key.clone(), data).await,
            _ => Ok(None),
        },
        AuthMethod::Token { id, .. } => super::api_tokens::actor_for_token_id(hearth, *id).await,
    }
}

async fn session_actor(
    hearth: &Hearth,
    key: String,
    data: sessions::SessionData,
) -> DomainResult<Option<Actor>> {
    match find_with_club(hearth, data.user_id).await? {
        Some((row, club, rank)) => {
            let team = !Roles::from_db(&row.roles).list().is_empty();
            let lifetime = if team {
                sessions::TEAM_ABSOLUTE_SECONDS
            } else {
                sessions::ABSOLUTE_SECONDS
            };
            if Utc::now().timestamp() - data.created_at > lifetime {
                sessions::destroy(hearth.kv(), &key).await?;
                return Ok(None);
            }
            if team {
                sessions::shorten_idle(hearth.kv(), &key, sessions::TEAM_IDLE_SECONDS).await?;
            }
            Ok(Some(
                Actor::from_row(&row, AuthMethod::Session { key })
                    .in_club(club)
                    .with_club_rank(rank),
            ))
        }
        None => {
            sessions::destroy(hearth.kv(), &key).await?;
            Ok(None)
        }
    }
}

/// An account made by an operator (CLI) or the demo seed: verified, policy accepted.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub username: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub display_name: Option<String>,
}

/// Creates a verified account. With `upsert`, an existing account with that username gets the e-mail,
/// password and roles given (so that seeding is idempotent).
pub async fn create_verified(hearth: &Hearth, input: &NewAccount, upsert: bool) -> DomainResult<UserRow> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(&input.email));
    let username = errors.check("username", Username::parse(&input.username));
    let password = errors.check(
        "password",
        Password::parse_new(&input.password, &[&input.username, &input.email]),
    );
    errors.into_result()?;
    let (Some(email), Some(username), Some(password)) = (email, username, password) else {
        return Err(DomainError::internal("validated input missing"));
    };
    let hash = password::hash(&password).await?;
    let roles = Roles::new(input.roles.clone());
    let mut conn = db::conn(hearth.db()).await?;
    conn.transaction::<UserRow, DomainError, _>(async |conn| {
        let policy = policy::current_in(conn).await?;
        let existing: Option<UserRow> = users::table
            .filter(lower(users::username).eq(username.as_str().to_lowercase()))
            .select(UserRow::as_select())
            .first(conn)
            .await
            .optional()?;
        let row = match existing {
            Some(existing) if upsert => diesel::update(users::table.find(existing.id))
                .set((
                    users::email.eq(email.as_str()),
                    users::password_hash.eq(&hash),
                    users::roles.eq(roles.to_db()),
                    users::display_name.eq(&input.display_name),
                    users::email_verified_at.eq(existing.email_verified_at.unwrap_or_else(Utc::now)),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .returning(UserRow::as_returning())
                .get_result(conn)
                .await
                .map_err(|e| unique_field(&e).unwrap_or_else(|| e.into()))?,
            Some(_) => return Err(DomainError::conflict("username", "is already taken")),
            None => {
                let row: UserRow = diesel::insert_into(users::table)
                    .values(NewUser {
                        username: username.as_str(),
                        email: email.as_str(),
                        password_hash: &hash,
                        roles: roles.to_db(),
                        email_verified_at: Some(Utc::now()),
                        accepted_policy_version: Some(policy.version),
                        accepted_policy_at: Some(Utc::now()),
                    })
                    .returning(UserRow::as_returning())
                    .get_result(conn)
                    .await
                    .map_err(|e| unique_field(&e).unwrap_or_else(|| e.into()))?;
                let row: UserRow = diesel::update(users::table.find(row.id))
                    .set(users::display_name.eq(&input.display_name))
                    .returning(UserRow::as_returning())
                    .get_result(conn)
                    .await?;
                crate::webhooks::payloads::member_created(conn, row.id).await?;
                row
            }
        };
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: None,
                action: "user.create_verified".into(),
                target_type: "user".into(),
                target_id: Some(row.id.0),
                before: None,
                after: Some(serde_json::json!({ "username": row.username, "roles": roles.names() })),
                reason: "operator command".into(),
            },
        )
        .await?;
        Ok(row)
    })
    .await
}

/// What an admin sets on a member: roles, and the partner company they represent (a label on their posts).
#[derive(Debug, Clone, Default)]
pub struct AccessInput {
    pub roles: Vec<Role>,
    pub partner_label: String,
}

/// Replaces a member's roles and partner label (admins only), with an audit entry. An admin cannot remove their
/// own admin role (so that a community never loses its last admin by accident).
pub async fn set_access(
    hearth: &Hearth,
    actor: &Actor,
    user_id: UserId,
    input: &AccessInput,
    reason: &str,
) -> DomainResult<UserRow> {
    actor.require_admin()?;
    let roles = Roles::new(input.roles.clone());
    if user_id == actor.id && !roles.is_admin() {
        return Err(DomainError::invalid(
            "roles",
            "you cannot remove your own admin role",
        ));
    }
    let partner =
        crate::text::line(&input.partner_label).map_err(|m| DomainError::invalid("partner_label", m))?;
    let reason = crate::text::line(reason).map_err(|m| DomainError::invalid("reason", m))?;
    if partner.chars().count() > 60 {
        return Err(DomainError::invalid(
            "partner_label",
            "must be at most 60 characters",
        ));
    }
    let partner = (!partner.is_empty()).then_some(partner);
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<UserRow, DomainError, _>(async |conn| {
        let before: UserRow = users::table
            .find(user_id)
            .select(UserRow::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(DomainError::NotFound("member"))?;
        let after: UserRow = diesel::update(users::table.find(user_id))
            .set((
                users::roles.eq(roles.to_db()),
                users::partner_label.eq(&partner),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .returning(UserRow::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "user.set_access".into(),
                target_type: "user".into(),
                target_id: Some(user_id.0),
                before: Some(serde_json::json!({
                    "roles": Roles::from_db(&before.roles).names(),
                    "partner_label": before.partner_label,
                })),
                after: Some(serde_json::json!({ "roles": roles.names(), "partner_label": partner })),
                reason: reason.clone(),
            },
        )
        .await?;
        Ok(after)
    })
    .await
}

/// Members whose username starts with `prefix` (admin tools), keyset-paginated by username.
pub async fn search_members(
    hearth: &Hearth,
    actor: &Actor,
    prefix: &str,
    after: Option<&str>,
    limit: i64,
) -> DomainResult<Vec<UserRow>> {
    actor.require_admin()?;
    let prefix = prefix.trim().to_lowercase();
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let mut conn = db::conn(hearth.db()).await?;
    let mut query = users::table
        .filter(lower(users::username).like(pattern))
        .order(lower(users::username))
        .limit(limit.clamp(1, 100))
        .select(UserRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(lower(users::username).gt(after.to_lowercase()));
    }
    Ok(query.load(&mut conn).await?)
}

/// A session as its owner sees it on the sessions page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    /// What ends it (`DELETE /api/v1/me/sessions/{id}`): the session's key in Redis, a hash of the cookie (it
    /// cannot be turned back into a cookie).
    pub id: String,
    /// The browser and system, from the user agent (`Firefox on Linux`).
    pub device: String,
    pub ip: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

/// A user agent in words: browser and operating system as Project Woothee's dataset names them.
pub fn device_of(user_agent: &str) -> String {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    match parsed {
        Some(r) if r.name != "UNKNOWN" && r.os != "UNKNOWN" => format!("{} on {}", r.name, r.os),
        Some(r) if r.name != "UNKNOWN" => r.name.to_owned(),
        _ if user_agent.trim().is_empty() => "Unknown device".to_owned(),
        _ => user_agent.chars().take(60).collect(),
    }
}

fn current_key(actor: &Actor) -> Option<&str> {
    match &actor.auth {
        AuthMethod::Session { key } => Some(key),
        AuthMethod::Token { .. } => None,
    }
}

/// The member's signed-in sessions, newest first, the current one marked.
pub async fn my_sessions(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<SessionEntry>> {
    let current = current_key(actor);
    let at = |t: i64| DateTime::from_timestamp(t, 0).unwrap_or_else(Utc::now);
    Ok(sessions::list(hearth.kv(), actor.id)
        .await?
        .into_iter()
        .map(|s| SessionEntry {
            current: current == Some(s.key.as_str()),
            device: device_of(&s.data.user_agent),
            ip: s.data.ip.clone(),
            created_at: at(s.data.created_at),
            last_seen_at: at(s.data.last_seen.max(s.data.created_at)),
            id: s.key,
        })
        .collect())
}

/// Ends one of the member's own sessions (another device, or this one: a log-out).
pub async fn end_session(hearth: &Hearth, actor: &Actor, id: &str) -> DomainResult<()> {
    let mine = sessions::list(hearth.kv(), actor.id)
        .await?
        .into_iter()
        .any(|s| s.key == id);
    if !mine {
        return Err(DomainError::NotFound("session"));
    }
    sessions::destroy(hearth.kv(), id).await
}

/// Ends every session of the member but the one asking; returns how many ended.
pub async fn end_other_sessions(hearth: &Hearth, actor: &Actor) -> DomainResult<usize> {
    let keep = current_key(actor).map(str::to_owned);
    let others = sessions::list(hearth.kv(), actor.id)
        .await?
        .into_iter()
        .filter(|s| Some(&s.key) != keep.as_ref())
        .count();
    sessions::destroy_all(hearth.kv(), actor.id, keep.as_deref()).await?;
    Ok(others)
}
