//! Accounts: sign-up with e-mail verification, log-in, sessions, password reset, profiles, roles and
//! personal API tokens.

pub mod api_tokens;
pub mod inputs;
pub mod password;
mod rows;
mod service;
#[cfg(test)]
mod service_tests;
pub mod sessions;

pub use inputs::{Email, Password, Username};
pub use rows::{Profile, UserRow};
pub use service::*;

use serde::{Deserialize, Serialize};

use crate::ids::{ApiTokenId, UserId};

/// A role beyond plain membership (every account is a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
    Moderator,
    Product,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Staff, Role::Moderator, Role::Product];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Moderator => "moderator",
            Role::Product => "product",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// The roles of an account. Admins hold every privilege.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(mut roles: Vec<Role>) -> Roles {
        roles.sort();
        roles.dedup();
        Roles(roles)
    }

    pub fn from_db(raw: &[Option<String>]) -> Roles {
        Roles::new(raw.iter().flatten().filter_map(|r| Role::parse(r)).collect())
    }

    pub fn to_db(&self) -> Vec<Option<String>> {
        self.0.iter().map(|r| Some(r.as_str().to_owned())).collect()
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&Role::Admin) || self.0.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.0.contains(&Role::Admin)
    }

    /// Staff of the brand (answers officially, sees the staff inbox).
    pub fn is_staff(&self) -> bool {
        self.has(Role::Staff)
    }

    pub fn is_moderator(&self) -> bool {
        self.has(Role::Moderator)
    }

    pub fn list(&self) -> &[Role] {
        &self.0
    }

    /// Names as the API shows them: always `member`, then the extra roles.
    pub fn names(&self) -> Vec<String> {
        std::iter::once("member".to_owned())
            .chain(self.0.iter().map(|r| r.as_str().to_owned()))
            .collect()
    }
}

/// How the current request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session; the value is the session's key in Redis (a hash of the cookie).
    Session { key: String },
    /// A personal API token, with what it may do.
    Token {
        id: ApiTokenId,
        scopes: api_tokens::Scopes,
    },
}

/// The signed-in member making a request, as the services see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub email: String,
    pub roles: Roles,
    pub partner_label: Option<String>,
    /// A member of the fan club.
    pub club_member: bool,
    /// The rank of their club tier (None: no tier, or not in the club).
    pub club_rank: Option<i32>,
    pub auth: AuthMethod,
    /// The policy version they accepted last.
    pub accepted_policy_version: Option<i32>,
    /// Suspended until then (far future: banned), and why.
    pub suspended_until: Option<chrono::DateTime<chrono::Utc>>,
    pub suspension_reason: Option<String>,
    /// The address the request came from, when known (per-address rate limits).
    pub ip: Option<String>,
}

impl Actor {
    pub fn from_row(row: &UserRow, auth: AuthMethod) -> Actor {
        Actor {
            id: row.id,
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            email: row.email.clone(),
            roles: Roles::from_db(&row.roles),
            partner_label: row.partner_label.clone(),
            club_member: false,
            club_rank: None,
            auth,
            accepted_policy_version: row.accepted_policy_version,
            suspended_until: row.suspended_until,
            suspension_reason: row.suspension_reason.clone(),
            ip: None,
        }
    }

    pub fn in_club(mut self, member: bool) -> Actor {
        self.club_member = member;
        self
    }

    pub fn with_club_rank(mut self, rank: Option<i32>) -> Actor {
        self.club_rank = rank;
        self
    }

    pub fn with_ip(mut self, ip: &str) -> Actor {
        self.ip = Some(ip.to_owned());
        self
    }

    /// Anyone on the brand's team (staff, moderators, product, admins).
    pub fn is_team(&self) -> bool {
        !self.roles.list().is_empty()
    }

    /// Refuses a suspended or banned member (they can read, not post, vote or flag).
    pub fn require_active(&self) -> crate::DomainResult<()> {
        match self.suspended_until {
            Some(until) if until > chrono::Utc::now() => {
                let reason = self.suspension_reason.as_deref().unwrap_or("");
                let when = if until.timestamp() > 32_000_000_000 {
                    "Your account is banned".to_owned()
                } else {
                    format!(
                        "Your account is suspended until {}",
                        until.format("%-d %B %Y, %H:%M UTC")
                    )
                };
                Err(crate::DomainError::forbidden(if reason.is_empty() {
                    format!("{when}: you can read, but not post, vote or flag.")
                } else {
                    format!("{when} ({reason}): you can read, but not post, vote or flag.")
                }))
            }
            _ => Ok(()),
        }
    }

    pub fn name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }

    pub fn require_admin(&self) -> crate::DomainResult<()> {
        if self.roles.is_admin() {
            Ok(())
        } else {
            Err(crate::DomainError::forbidden("Only administrators may do this."))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_hold_every_role() {
        let admin = Roles::new(vec![Role::Admin]);
        assert!(admin.is_staff() && admin.is_moderator() && admin.has(Role::Product));
        let staff = Roles::new(vec![Role::Staff, Role::Staff]);
        assert_eq!(staff.list(), &[Role::Staff]);
        assert!(!staff.is_admin() && !staff.is_moderator());
        assert_eq!(staff.names(), vec!["member", "staff"]);
    }

    #[test]
    fn roles_round_trip_through_the_database_shape() {
        let roles = Roles::new(vec![Role::Product, Role::Moderator]);
        let mut db = roles.to_db();
        db.push(Some("unknown".into()));
        db.push(None);
        assert_eq!(Roles::from_db(&db), roles);
    }
}
