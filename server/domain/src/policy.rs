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

const VERSION_KEY: &str = "policy:version";

/// The version in force, from Redis (set when a version is published; filled from PostgreSQL when missing, for
/// an hour). Every post asks, so this must not take a database connection.
pub async fn current_version(hearth: &Hearth) -> DomainResult<i32> {
    let mut kv = hearth.kv().conn();
    let key = hearth.kv().key(VERSION_KEY);
    let cached: Option<i32> = redis::cmd("GET").arg(&key).query_async(&mut kv).await?;
    if let Some(v) = cached {
        return Ok(v);
    }
    let version = current(hearth).await?.version;
    let _: () = redis::cmd("SET")
        .arg(&key)
        .arg(version)
        .arg("EX")
        .arg(3600)
        .query_async(&mut kv)
        .await?;
    Ok(version)
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
    let created = conn
        .transaction::<PolicyVersion, DomainError, _>(async |conn| {
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
        .await?;
    // Every instance sees the new version at once (they share Redis).
    let mut kv = hearth.kv().conn();
    let _: () = redis::cmd("SET")
        .arg(hearth.kv().key(VERSION_KEY))
        .arg(created.version)
        .arg("EX")
        .arg(3600)
        .query_async(&mut kv)
        .await?;
    Ok(created)
}

/// Accepts the version in force (members asked to before their next post). Returns the version accepted.
pub async fn accept(hearth: &Hearth, actor: &Actor) -> DomainResult<i32> {
    use crate::schema::users;
    let mut conn = db::conn(hearth.db()).await?;
    let current = current_in(&mut conn).await?;
    diesel::update(users::table.find(actor.id))
        .set((
            users::accepted_policy_version.eq(Some(current.version)),
            users::accepted_policy_at.eq(diesel::dsl::now),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(&mut conn)
        .await?;
    Ok(current.version)
}
