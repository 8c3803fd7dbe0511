//! The acceptable use policy: versioned Markdown, published by admins, accepted by members at sign-up.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::accounts::Actor;
use crate::audit::{self, NewAuditEntry};
use crate::db;
use crate::schema::policy_versions;
use crate::{DomainError, DomainResult, FieldErrors, Hearth, markdown};

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = policy_versions, check_for_backend(diesel::pg::Pg))]
pub struct PolicyVersion {
    pub version: i32,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
}

/// The version members accept now.
pub async fn current_in(conn: &mut AsyncPgConnection) -> DomainResult<PolicyVersion> {
    policy_versions::table
        .select(PolicyVersion::as_select())
        .order(policy_versions::version.desc())
        .first(conn)
        .await
        .optional()?
        .ok_or(DomainError::NotFound("policy"))
}

pub async fn current(hearth: &Hearth) -> DomainResult<PolicyVersion> {
    let mut conn = db::conn(hearth.db()).await?;
    current_in(&mut conn).await
}

/// Every version, newest first.
pub async fn history(hearth: &Hearth) -> DomainResult<Vec<PolicyVersion>> {
    let mut conn = db::conn(hearth.db()).await?;
    Ok(policy_versions::table
        .select(PolicyVersion::as_select())
        .order(policy_versions::version.desc())
        .load(&mut conn)
        .await?)
}

/// Publishes a new version (admins only). Members accept it before their next post.
pub async fn publish(
    hearth: &Hearth,
    actor: &Actor,
    title: &str,
    body_md: &str,
) -> DomainResult<PolicyVersion> {
    actor.require_admin()?;
    let mut errors = FieldErrors::new();
    let title = errors
        .check("title", crate::text::line(title))
        .unwrap_or_default();
    if !errors.0.contains_key("title") && !(3..=120).contains(&title.chars().count()) {
        errors.add("title", "must be 3 to 120 characters");
    }
    let body_md = errors
        .check("body", crate::text::block(body_md))
        .unwrap_or_default();
    if !errors.0.contains_key("body") && !(20..=50_000).contains(&body_md.chars().count()) {
        errors.add("body", "must be 20 to 50,000 characters");
    }
    errors.into_result()?;
    let (title, body_md) = (title.as_str(), body_md.as_str());
    let body_html = markdown::render(body_md);
    let mut conn = db::conn(hearth.db()).await?;
    let actor_id = actor.id;
    conn.transaction::<PolicyVersion, DomainError, _>(async |conn| {
        // Serialise publishers: the version number is max + 1.
        diesel::sql_query("LOCK TABLE policy_versions IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .await?;
        let next: i32 = policy_versions::table
            .select(diesel::dsl::max(policy_versions::version))
            .first::<Option<i32>>(conn)
            .await?
            .unwrap_or(0)
            + 1;
        let created: PolicyVersion = diesel::insert_into(policy_versions::table)
            .values((
                policy_versions::version.eq(next),
                policy_versions::title.eq(title),
                policy_versions::body_md.eq(body_md),
                policy_versions::body_html.eq(&body_html),
                policy_versions::published_by.eq(Some(actor_id)),
            ))
            .returning(PolicyVersion::as_returning())
            .get_result(conn)
            .await?;
        audit::record(
            conn,
            NewAuditEntry {
                actor_id: Some(actor_id),
                action: "policy.publish".into(),
                target_type: "policy_version".into(),
                target_id: Some(next.into()),
                before: None,
                after: Some(serde_json::json!({ "version": next, "title": title })),
                reason: String::new(),
            },
        )
        .await?;
        Ok(created)
    })
    .await
}
