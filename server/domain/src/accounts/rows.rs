use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::ids::UserId;
use crate::schema::users;

/// One row of `users`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: Option<String>,
    pub bio: String,
    pub roles: Vec<Option<String>>,
    pub partner_label: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub accepted_policy_version: Option<i32>,
    pub accepted_policy_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Suspended (or, until 'infinity', banned): may read, not post, vote or flag.
    pub suspended_until: Option<DateTime<Utc>>,
    pub suspension_reason: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub(crate) struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub roles: Vec<Option<String>>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub accepted_policy_version: Option<i32>,
    pub accepted_policy_at: Option<DateTime<Utc>>,
}

/// What anyone may see of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub bio: String,
    pub roles: super::Roles,
    pub partner_label: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for Profile {
    fn from(row: &UserRow) -> Self {
        Profile {
            id: row.id,
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            bio: row.bio.clone(),
            roles: super::Roles::from_db(&row.roles),
            partner_label: row.partner_label.clone(),
            created_at: row.created_at,
        }
    }
}
