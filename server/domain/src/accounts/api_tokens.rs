//! Personal API tokens: `Authorization: Bearer hrth_…`. Shown once at creation; only a hash is stored.
//!
//! A token has scopes and may expire. `read` is every token's; `write` lets it change things; `staff`,
//! `moderation`, `product` and `admin` keep the owner's role of that name (never more than the owner has);
//! `mentions` lets a staff member's integration send mentions and nothing else. Creating one needs the current
//! password and a signed-in session (a token cannot create tokens); a new password revokes them all.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{Actor, AuthMethod, Role, Roles, UserRow};
use crate::ids::{ApiTokenId, UserId};
use crate::schema::{api_tokens, club_members, club_tiers, users};

use crate::{DomainError, DomainResult, Hearth, db, secrets};

pub const PREFIX: &str = "hrth_";
const MAX_TOKENS_PER_MEMBER: i64 = 20;
/// The longest a token may live.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Read,
    Write,
    Staff,
    Moderation,
    Product,
    Admin,
    Mentions,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Read,
        Scope::Write,
        Scope::Staff,
        Scope::Moderation,
        Scope::Product,
        Scope::Admin,
        Scope::Mentions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Staff => "staff",
            Scope::Moderation => "moderation",
            Scope::Product => "product",
            Scope::Admin => "admin",
            Scope::Mentions => "mentions",
        }
    }

    pub fn parse(raw: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    /// What it means, for the settings page.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Read => "read what you can read",
            Scope::Write => "post, vote and change things as you",
            Scope::Staff => "act as staff (official answers, the staff inbox)",
            Scope::Moderation => "moderate (the queue, hiding, sanctions)",
            Scope::Product => "act for the product team (idea statuses, exports, Insights)",
            Scope::Admin => "administer the community",
            Scope::Mentions => "send mentions to Talking Point, nothing else",
        }
    }

    /// Whether an account with these roles may grant the scope.
    pub fn grantable(self, roles: &Roles) -> bool {
        match self {
            Scope::Read | Scope::Write => true,
            Scope::Staff | Scope::Mentions => roles.is_staff(),
            Scope::Moderation => roles.is_moderator(),
            Scope::Product => roles.has(Role::Product),
            Scope::Admin => roles.is_admin(),
        }
    }
}

/// A token's scopes (sorted, without repeats, `read` always among them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(mut scopes: Vec<Scope>) -> Scopes {
        scopes.push(Scope::Read);
        scopes.sort();
        scopes.dedup();
        Scopes(scopes)
    }

    pub fn from_db(raw: &[String]) -> Scopes {
        Scopes::new(raw.iter().filter_map(|s| Scope::parse(s)).collect())
    }

    pub fn to_db(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn list(&self) -> &[Scope] {
        &self.0
    }

    /// The owner's roles this token keeps: each only with its scope (an admin's token without `admin` keeps the
    /// roles an admin holds through its other scopes).
    pub fn restrict(&self, owner: &Roles) -> Roles {
        let mut kept = Vec::new();
        for (role, scope) in [
            (Role::Staff, Scope::Staff),
            (Role::Moderator, Scope::Moderation),
            (Role::Product, Scope::Product),
        ] {
            if self.has(scope) && owner.has(role) {
                kept.push(role);
            }
        }
        if self.has(Scope::Admin) && owner.is_admin() {
            kept.push(Role::Admin);
        }
        Roles::new(kept)
    }
}

/// Whether a token-authenticated request may be made: changing anything needs `write`, except mentions sent with
/// `mentions`; a token limited to `mentions` may do nothing else. Sessions may do anything their roles allow.
pub fn check_request(actor: &Actor, changes: bool, path: &str) -> DomainResult<()> {
    let AuthMethod::Token { scopes, .. } = &actor.auth else {
        return Ok(());
    };
    let mentions = path == "/api/v1/mentions";
    if mentions && scopes.has(Scope::Mentions) {
        return Ok(());
    }
    if changes && !scopes.has(Scope::Write) {
        return Err(DomainError::forbidden(
            "This token may only read: it lacks the write scope.",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_prefix: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub scopes: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= Utc::now())
    }
}

/// What a new token is asked for.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    pub name: String,
    /// Scope names; empty: `read` only.
    pub scopes: Vec<String>,
    /// RFC 3339 time or a day (YYYY-MM-DD, the token ends as that day begins, UTC); blank: never.
    pub expires_at: Option<String>,
    pub current_password: String,
}

fn parse_expiry(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| "must be a time like 2027-06-30T00:00:00Z or a day like 2027-06-30".to_owned())?;
    if at <= Utc::now() {
        return Err("must be in the future".into());
    }
    if at > Utc::now() + chrono::Duration::days(MAX_DAYS) {
        return Err(format!("must be within {MAX_DAYS} days"));
    }
    Ok(Some(at))
}

/// How long a new token's secret waits to be shown once on the settings page (plain form posts carry no secret
/// in a URL: the page after the redirect takes it from here).
pub const SHOW_ONCE_SECS: u64 = 300;

fn show_once_key(actor: &Actor) -> Option<String> {
    match &actor.auth {
        AuthMethod::Session { key } => Some(format!("token-once:{key}")),
        AuthMethod::Token { .. } => None,
    }
}

/// Keeps a new token's secret for the next page of this session (at most [`SHOW_ONCE_SECS`]).
pub async fn keep_to_show_once(hearth: &Hearth, actor: &Actor, secret: &str) -> DomainResult<()> {
    let key = show_once_key(actor).ok_or(DomainError::Unauthenticated)?;
    hearth.kv().set_ex(&key, secret, SHOW_ONCE_SECS).await
}

/// The secret of the token this session just created, once (it is gone afterwards).
pub async fn take_to_show_once(hearth: &Hearth, actor: &Actor) -> DomainResult<Option<String>> {
    match show_once_key(actor) {
        Some(key) => hearth.kv().take(&key).await,
        None => Ok(None),
    }
}

/// Creates a token for the actor after checking their current password (signed-in sessions only); returns it
/// with its secret value (shown this once).
pub async fn create(hearth: &Hearth, actor: &Actor, input: &NewToken) -> DomainResult<(ApiToken, String)> {
    actor.require_active()?;
    if let AuthMethod::Token { .. } = actor.auth {
        return Err(DomainError::forbidden(
            "A token cannot create tokens: sign in and create it from your settings or with your session.",
        ));
    }
    let mut errors = crate::FieldErrors::new();
    let name = errors.check(
        "name",
        crate::text::line(&input.name).and_then(|n| {
            if (1..=60).contains(&n.chars().count()) {
                Ok(n)
            } else {
                Err("must be 1 to 60 characters".into())
            }
        }),
    );
    let mut scopes = Vec::new();
    for raw in input.scopes.iter().filter(|s| !s.trim().is_empty()) {
        match Scope::parse(raw) {
            None => errors.add(
                "scopes",
                format!(
                    "{} is not a scope (read, write, staff, moderation, product, admin, mentions)",
                    raw.trim()
                ),
            ),
            Some(s) if !s.grantable(&actor.roles) => {
                errors.add("scopes", format!("{} is more than your roles allow", s.as_str()))
            }
            Some(s) => scopes.push(s),
        }
    }
    let expires_at = errors.check("expires_at", parse_expiry(input.expires_at.as_deref()));
    let current = errors.check(
        "current_password",
        super::Password::parse_attempt(&input.current_password),
    );
    errors.into_result()?;
    let (Some(name), Some(expires_at), Some(current)) = (name, expires_at, current) else {
        return Err(DomainError::internal("validated input missing"));
    };
    super::service::confirm_password(hearth, actor, "token-create", "current_password", &current).await?;
    insert(hearth, actor, &name, &Scopes::new(scopes), expires_at).await
}

async fn insert(
    hearth: &Hearth,
    actor: &Actor,
    name: &str,
    scopes: &Scopes,
    expires_at: Option<DateTime<Utc>>,
) -> DomainResult<(ApiToken, String)> {
    let mut conn = db::conn(hearth.db()).await?;
    let live: i64 = api_tokens::table
        .filter(api_tokens::user_id.eq(actor.id))
        .filter(api_tokens::revoked_at.is_null())
        .count()
        .get_result(&mut conn)
        .await?;
    if live >= MAX_TOKENS_PER_MEMBER {
        return Err(DomainError::conflict(
            "name",
            "you have 20 live tokens; revoke one first",
        ));
    }
    let secret = format!("{PREFIX}{}", secrets::random_token(32));
    let token = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(actor.id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(secrets::token_hash(&secret)),
            api_tokens::token_prefix.eq(&secret[..PREFIX.len() + 6]),
            api_tokens::scopes.eq(scopes.to_db()),
            api_tokens::expires_at.eq(expires_at),
        ))
        .returning(ApiToken::as_returning())
        .get_result(&mut conn)
        .await?;
    Ok((token, secret))
}

/// The actor's tokens, newest first.
pub async fn list(hearth: &Hearth, actor: &Actor) -> DomainResult<Vec<ApiToken>> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(actor.id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(&mut conn)
        .await?)
}

/// Revokes one of the actor's tokens.
pub async fn revoke(hearth: &Hearth, actor: &Actor, id: ApiTokenId) -> DomainResult<()> {
    let mut conn = db::conn(hearth.db()).await?;
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(actor.id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(&mut conn)
    .await?;
    if n == 0 {
        Err(DomainError::NotFound("token"))
    } else {
        Ok(())
    }
}

/// The member behind a bearer token, when it is live.
pub async fn actor_for_token(hearth: &Hearth, bearer: &str) -> DomainResult<Option<Actor>> {
    if !bearer.starts_with(PREFIX) || bearer.len() > 100 {
        return Ok(None);
    }
    token_actor(hearth, Lookup::Hash(secrets::token_hash(bearer))).await
}

/// The member behind a token known by its id, if it still works (an open event stream re-checks).
pub async fn actor_for_token_id(hearth: &Hearth, id: ApiTokenId) -> DomainResult<Option<Actor>> {
    token_actor(hearth, Lookup::Id(id)).await
}

enum Lookup {
    Hash(Vec<u8>),
    Id(ApiTokenId),
}

async fn token_actor(hearth: &Hearth, lookup: Lookup) -> DomainResult<Option<Actor>> {
    let mut conn = db::conn(hearth.db()).await?;
    type Found = (
        ApiTokenId,
        Vec<String>,
        Option<DateTime<Utc>>,
        UserRow,
        Option<UserId>,
        Option<i32>,
    );
    let query = api_tokens::table
        .inner_join(users::table.left_join(club_members::table.left_join(club_tiers::table)))
        .into_boxed();
    let query = match lookup {
        Lookup::Hash(hash) => query.filter(api_tokens::token_hash.eq(hash)),
        Lookup::Id(id) => query.filter(api_tokens::id.eq(id)),
    };
    let found: Option<Found> = query
        .filter(api_tokens::revoked_at.is_null())
        // Tokens rest while their account is being deleted (and work again if the deletion is cancelled).
        .filter(users::deletion_requested_at.is_null())
        .filter(users::deleted_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(diesel::dsl::now)),
        )
        .select((
            api_tokens::id,
            api_tokens::scopes,
            api_tokens::last_used_at,
            UserRow::as_select(),
            club_members::user_id.nullable(),
            club_tiers::rank.nullable(),
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let Some((id, scopes, last_used, user, club, rank)) = found else {
        return Ok(None);
    };
    // Record use at most once a minute per token.
    if last_used.is_none_or(|t| Utc::now() - t > chrono::Duration::minutes(1)) {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(diesel::dsl::now))
            .execute(&mut conn)
            .await?;
    }
    let scopes = Scopes::from_db(&scopes);
    let mut actor = Actor::from_row(
        &user,
        AuthMethod::Token {
            id,
            scopes: scopes.clone(),
        },
    )
    .in_club(club.is_some())
    .with_club_rank(rank);
    let owner = actor.roles.clone();
    actor.roles = scopes.restrict(&owner);
    // `mentions` counts only while the owner is staff.
    if scopes.has(Scope::Mentions) && !owner.is_staff() {
        let mut kept = scopes.list().to_vec();
        kept.retain(|s| *s != Scope::Mentions);
        actor.auth = AuthMethod::Token {
            id,
            scopes: Scopes::new(kept),
        };
    }
    Ok(Some(actor))
}

/// Personal API tokens for the first `count` members whose username starts with `prefix`, one each (for
/// benchmarks against a seeded community: `hearth bench-tokens`). Returns the secrets.
pub async fn issue_for_members(hearth: &Hearth, prefix: &str, count: i64) -> DomainResult<Vec<String>> {
    let mut conn = db::conn(hearth.db()).await?;
    let rows: Vec<UserRow> = users::table
        .filter(users::username.like(format!("{prefix}%")))
        .order(users::id)
        .limit(count)
        .select(UserRow::as_select())
        .load(&mut conn)
        .await?;
    drop(conn);
    let mut secrets = Vec::with_capacity(rows.len());
    for row in &rows {
        let actor = Actor::from_row(row, AuthMethod::Session { key: String::new() });
        let scopes = Scopes::new(vec![Scope::Write]);
        secrets.push(insert(hearth, &actor, "bench", &scopes, None).await?.1);
    }
    Ok(secrets)
}
