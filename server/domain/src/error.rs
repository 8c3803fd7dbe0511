//! The one error type of the domain. Each variant has a stable snake_case code; the server maps them to
//! HTTP statuses in one place, and the UI maps them to form messages.

use std::collections::BTreeMap;

pub type DomainResult<T> = Result<T, DomainError>;

/// Messages per input field (`"email" → "is already registered"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of a parse, returning the value when it parsed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// `Ok(())` when no field failed, else the validation error.
    pub fn into_result(self) -> DomainResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input that breaks a rule, per field.
    #[error("validation failed: {0:?}")]
    Invalid(FieldErrors),
    /// The request needs a signed-in member.
    #[error("not signed in")]
    Unauthenticated,
    /// The log-in and password do not match an account.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Signed in, but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The account exists but its e-mail address is not confirmed yet.
    #[error("email not verified")]
    EmailNotVerified,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with existing data (a taken username, a used token).
    #[error("conflict: {message}")]
    Conflict { field: Option<String>, message: String },
    /// Too many attempts; try again after this many seconds.
    #[error("rate limited, retry after {retry_after}s")]
    RateLimited { retry_after: u64 },
    /// The server is too busy, or a dependency is down for a moment: try again after this many seconds
    /// (503 with `Retry-After`). Nothing was changed.
    #[error("temporarily unavailable, retry after {retry_after}s")]
    Unavailable { retry_after: u64 },
    /// A dependency (PostgreSQL, Redis, SMTP) failed or a bug: logged with its cause, shown as a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        DomainError::Invalid(errors)
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        DomainError::Conflict {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        DomainError::Forbidden(message.into())
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        DomainError::Internal(cause.to_string())
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid(_) => "validation_failed",
            DomainError::Unauthenticated => "unauthenticated",
            DomainError::InvalidCredentials => "invalid_credentials",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::EmailNotVerified => "email_not_verified",
            DomainError::NotFound(_) => "not_found",
            DomainError::Conflict { .. } => "conflict",
            DomainError::RateLimited { .. } => "rate_limited",
            DomainError::Unavailable { .. } => "unavailable",
            DomainError::Internal(_) => "internal",
        }
    }

    /// A message fit for the person who made the request (never the internal cause).
    pub fn public_message(&self) -> String {
        match self {
            DomainError::Invalid(_) => "Some fields need another look.".into(),
            DomainError::Unauthenticated => "Please log in first.".into(),
            DomainError::InvalidCredentials => {
                "That e-mail address or username and password do not match an account.".into()
            }
            DomainError::Forbidden(message) => message.clone(),
            DomainError::EmailNotVerified => {
                "Please confirm your e-mail address first: follow the link we sent you.".into()
            }
            DomainError::NotFound(what) => format!("That {what} does not exist."),
            DomainError::Conflict { message, .. } => message.clone(),
            DomainError::RateLimited { retry_after } => {
                format!(
                    "Too many attempts. Please wait {} and try again.",
                    human_wait(*retry_after)
                )
            }
            DomainError::Unavailable { retry_after } => format!(
                "The community is very busy right now. Please try again in {}.",
                human_wait(*retry_after)
            ),
            DomainError::Internal(_) => "Something went wrong on our side. Please try again.".into(),
        }
    }

    /// Field messages, for errors that concern fields.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            DomainError::Invalid(fields) => fields.0.clone(),
            DomainError::Conflict {
                field: Some(field),
                message,
            } => BTreeMap::from([(field.clone(), message.clone())]),
            _ => BTreeMap::new(),
        }
    }
}

fn human_wait(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=89 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

impl From<diesel::result::Error> for DomainError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => DomainError::NotFound("record"),
            other => DomainError::Internal(format!("database: {other}")),
        }
    }
}

impl DomainError {
    /// How long the client should wait before trying again, for errors that say so.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            DomainError::RateLimited { retry_after } | DomainError::Unavailable { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        }
    }
}

/// No connection within the pool's wait (every connection busy) or none could be opened (PostgreSQL down or
/// restarting): both pass, so the request is answered "try again" (503), never as a server fault.
impl From<diesel_async::pooled_connection::deadpool::PoolError> for DomainError {
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        use diesel_async::pooled_connection::deadpool::PoolError;
        match err {
            PoolError::Timeout(_) => {
                tracing::warn!("no database connection free within the pool's wait; answering busy");
                DomainError::Unavailable { retry_after: 2 }
            }
            PoolError::Backend(e) => {
                tracing::warn!(error = %e, "cannot open a database connection; answering unavailable");
                DomainError::Unavailable { retry_after: 5 }
            }
            other => DomainError::Internal(format!("database pool: {other}")),
        }
    }
}

impl From<redis::RedisError> for DomainError {
    fn from(err: redis::RedisError) -> Self {
        DomainError::Internal(format!("redis: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(
            DomainError::invalid("title", "too short").code(),
            "validation_failed"
        );
        assert_eq!(DomainError::RateLimited { retry_after: 3 }.code(), "rate_limited");
        assert_eq!(DomainError::Unavailable { retry_after: 2 }.code(), "unavailable");
        assert_eq!(DomainError::Unavailable { retry_after: 2 }.retry_after(), Some(2));
        assert_eq!(
            DomainError::conflict("email", "taken")
                .fields()
                .get("email")
                .map(String::as_str),
            Some("taken")
        );
    }

    #[test]
    fn internal_cause_is_not_public() {
        let err = DomainError::internal("password authentication failed for user postgres");
        assert!(!err.public_message().contains("postgres"));
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(human_wait(1), "a second");
        assert_eq!(human_wait(30), "30 seconds");
        assert_eq!(human_wait(600), "10 minutes");
    }
}
