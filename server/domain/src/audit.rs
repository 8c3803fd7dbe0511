//! The audit log: every staff action, with before/after and the reason. The table is append-only
//! (a trigger refuses UPDATE, DELETE and TRUNCATE).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::DomainResult;
use crate::ids::{AuditId, UserId};
use crate::schema::audit_log;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry {
    pub actor_id: Option<UserId>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditEntry {
    pub id: AuditId,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Appends one entry; call it inside the transaction of the action it records.
pub async fn record(conn: &mut AsyncPgConnection, entry: NewAuditEntry) -> DomainResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .await?;
    Ok(())
}

/// The newest entries, keyset-paginated by id (`before` = the smallest id already shown).
pub async fn recent(
    conn: &mut AsyncPgConnection,
    before: Option<AuditId>,
    limit: i64,
) -> DomainResult<Vec<AuditEntry>> {
    let mut query = audit_log::table
        .select(AuditEntry::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.0));
    }
    Ok(query.load(conn).await?)
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// An action or the start of one (`queue.`, `member.suspend`).
    pub action: Option<String>,
    /// The staff member who acted (username).
    pub actor: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    /// The smallest id already shown.
    pub before: Option<i64>,
}

/// An entry with the name of who acted.
#[derive(Debug, Clone, diesel::QueryableByName, serde::Serialize)]
pub struct AuditRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub actor: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub action: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub target_type: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    pub target_id: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
    pub before: Option<Value>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
    pub after: Option<Value>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub reason: String,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// The audit log, newest first, filtered (moderators, staff and admins).
pub async fn search(
    hearth: &crate::Hearth,
    actor: &crate::accounts::Actor,
    filter: &AuditFilter,
    limit: i64,
) -> DomainResult<(Vec<AuditRow>, Option<i64>)> {
    use diesel::sql_types::{BigInt, Nullable, Text};
    crate::moderation::require_moderator(actor)?;
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let limit = limit.clamp(1, 200);
    let mut conn = crate::db::conn(hearth.db()).await?;
    let mut rows: Vec<AuditRow> = diesel::sql_query(
        "SELECT a.id, u.username AS actor, a.action, a.target_type, a.target_id, a.before, a.after, a.reason, a.created_at
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
          WHERE a.id < $1
            AND ($2::text IS NULL OR a.action = $2 OR a.action LIKE replace(replace($2, '%', ''), '_', '\\_') || '%')
            AND ($3::text IS NULL OR lower(u.username) = lower($3))
            AND ($4::text IS NULL OR a.target_type = $4)
            AND ($5::bigint IS NULL OR a.target_id = $5)
          ORDER BY a.id DESC LIMIT $6",
    )
    .bind::<BigInt, _>(filter.before.unwrap_or(i64::MAX))
    .bind::<Nullable<Text>, _>(blank(&filter.action))
    .bind::<Nullable<Text>, _>(blank(&filter.actor))
    .bind::<Nullable<Text>, _>(blank(&filter.target_type))
    .bind::<Nullable<BigInt>, _>(filter.target_id)
    .bind::<BigInt, _>(limit + 1)
    .load(&mut conn)
    .await?;
    let next = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id).unwrap_or(0)
    });
    Ok((rows, next))
}
