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
