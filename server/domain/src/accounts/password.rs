//! argon2id password hashes (OWASP parameters: m = 19 MiB, t = 2, p = 1), computed on a blocking thread
//! so that hashing never stalls the async runtime.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::SaltString,
};
use std::sync::{LazyLock, OnceLock};
use std::time::Duration;

use super::inputs::Password;
use crate::{DomainError, DomainResult};

fn hasher() -> DomainResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(DomainError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes computed at once per process: each takes 19 MiB and a core for tens of milliseconds, so a flood of
/// log-ins or sign-ups must queue, not take every thread and gigabytes of memory.
pub const CONCURRENT_HASHES: usize = 4;
/// How long a hash waits for its turn before the request is answered 503 with `Retry-After`.
pub const HASH_WAIT: Duration = Duration::from_secs(2);

/// A bound on work done at once, with a short wait for a turn.
pub struct Turns {
    permits: tokio::sync::Semaphore,
    wait: Duration,
}

impl Turns {
    pub fn new(at_once: usize, wait: Duration) -> Turns {
        Turns {
            permits: tokio::sync::Semaphore::new(at_once.max(1)),
            wait,
        }
    }

    /// A turn, or [`DomainError::Unavailable`] (503 with `Retry-After`) when none frees up in time.
    pub async fn take(&self) -> DomainResult<tokio::sync::SemaphorePermit<'_>> {
        match tokio::time::timeout(self.wait, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_closed)) => Err(DomainError::internal("the password hashing limit was closed")),
            Err(_elapsed) => Err(DomainError::Unavailable { retry_after: 2 }),
        }
    }
}

static TURNS: LazyLock<Turns> = LazyLock::new(|| Turns::new(CONCURRENT_HASHES, HASH_WAIT));

async fn turn() -> DomainResult<tokio::sync::SemaphorePermit<'static>> {
    TURNS.take().await
}

/// Hashes a new password.
pub async fn hash(password: &Password) -> DomainResult<String> {
    let password = password.expose().to_owned();
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(DomainError::internal)?
}

fn hash_blocking(password: &str) -> DomainResult<String> {
    let salt = SaltString::encode_b64(&crate::secrets::random_bytes(16)).map_err(DomainError::internal)?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(DomainError::internal)
}

/// A hash of a random password, computed once: checked against when the account does not exist, so that
/// the time a log-in takes does not tell whether an account exists.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking(&crate::secrets::random_token(24)).unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3sPqH5zPKe2XHu7bPJD1yVYnhyBHtNW2K0wGQF6m5Q4".into()
        })
    })
}

/// Checks `password` against `stored` (or against a dummy hash when there is no account).
pub async fn verify(password: &Password, stored: Option<&str>) -> DomainResult<bool> {
    let password = password.expose().to_owned();
    let stored = stored.map(str::to_owned);
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match &stored {
            Some(h) => (h.as_str(), true),
            None => (dummy_hash(), false),
        };
        let parsed = PasswordHash::new(hash).map_err(DomainError::internal)?;
        let ok = hasher()?.verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && real)
    })
    .await
    .map_err(DomainError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let pw = Password::parse_attempt("a long enough password").unwrap();
        let h = hash(&pw).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(&pw, Some(&h)).await.unwrap());
        let wrong = Password::parse_attempt("another password").unwrap();
        assert!(!verify(&wrong, Some(&h)).await.unwrap());
        assert!(!verify(&pw, None).await.unwrap(), "no account never verifies");
    }

    #[tokio::test]
    async fn a_saturated_hasher_answers_unavailable_instead_of_queueing_forever() {
        let turns = Turns::new(1, Duration::from_millis(100));
        let held = turns.take().await.unwrap();
        let started = std::time::Instant::now();
        let err = turns.take().await.unwrap_err();
        assert!(matches!(err, DomainError::Unavailable { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(1));
        drop(held);
        assert!(turns.take().await.is_ok());
        // The process-wide bound is the one hashing uses.
        assert!(TURNS.permits.available_permits() <= CONCURRENT_HASHES);
    }
}
