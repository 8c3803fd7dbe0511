//! Personal API tokens: `Authorization: Bearer hrth_…`. Shown once at creation; only a hash is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{Actor, AuthMethod, UserRow};
use crate::ids::{ApiTokenId, UserId};
use crate::schema::{api_tokens, club_members, club_tiers, users};

use crate::{DomainError, DomainResult, Hearth, db, secrets};

pub const PREFIX: &str = "hrth_";
const MAX_TOKENS_PER_MEMBER: i64 = 20;

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
}

/// Creates a token for the actor; returns it with its secret value (shown this once).
pub async fn create(hearth: &Hearth, actor: &Actor, name: &str) -> DomainResult<(ApiToken, String)> {
    let name = crate::text::line(name).map_err(|m| DomainError::invalid("name", m))?;
    let name = name.as_str();
    if !(1..=60).contains(&name.chars().count()) {
        return Err(DomainError::invalid("name", "must be 1 to 60 characters"));
    }
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
    let mut conn = db::conn(hearth.db()).await?;
    type Found = (
        ApiTokenId,
        Option<DateTime<Utc>>,
        UserRow,
        Option<UserId>,
        Option<i32>,
    );
    let found: Option<Found> = api_tokens::table
        .inner_join(users::table.left_join(club_members::table.left_join(club_tiers::table)))
        .filter(api_tokens::token_hash.eq(secrets::token_hash(bearer)))
        .filter(api_tokens::revoked_at.is_null())
        .select((
            api_tokens::id,
            api_tokens::last_used_at,
            UserRow::as_select(),
            club_members::user_id.nullable(),
            club_tiers::rank.nullable(),
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let Some((id, last_used, user, club, rank)) = found else {
        return Ok(None);
    };
    // Record use at most once a minute per token.
    if last_used.is_none_or(|t| Utc::now() - t > chrono::Duration::minutes(1)) {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(diesel::dsl::now))
            .execute(&mut conn)
            .await?;
    }
    Ok(Some(
        Actor::from_row(&user, AuthMethod::Token { id })
            .in_club(club.is_some())
            .with_club_rank(rank),
    ))
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
        secrets.push(create(hearth, &actor, "bench").await?.1);
    }
    Ok(secrets)
}
