//! argon2id password hashes (OWASP parameters: m = 19 MiB, t = 2, p = 1), computed on a blocking thread
//! so that hashing never stalls the async runtime.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::SaltString,
};
use std::sync::OnceLock;

use super::inputs::Password;
use crate::{DomainError, DomainResult};

fn hasher() -> DomainResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(DomainError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a new password.
pub async fn hash(password: &Password) -> DomainResult<String> {
    let password = password.expose().to_owned();
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
}
