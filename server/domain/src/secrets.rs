//! Secrets, random tokens, hashes and signatures.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A secret key whose `Debug` never shows the bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    pub fn from_text(value: &str) -> Self {
        Secret(value.as_bytes().to_vec())
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// HMAC-SHA256 of `message` under this key, domain-separated by `purpose`, URL-safe base64.
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(purpose, message))
    }

    /// Checks a signature made by [`Secret::sign`] in constant time.
    pub fn verify(&self, purpose: &str, message: &str, signature: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return false;
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac.verify_slice(&given).is_ok()
    }

    fn mac(&self, purpose: &str, message: &str) -> Vec<u8> {
        // HMAC accepts keys of any length; new_from_slice cannot fail for it.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => return Vec::new(),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `n` cryptographically random bytes.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    // ThreadRng is a CSPRNG (ChaCha) seeded from the operating system.
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A random token of `n` bytes, URL-safe base64 (no padding).
pub fn random_token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(n))
}

/// SHA-256 of a token: what the database and Redis keep instead of the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn token_hash_hex(token: &str) -> String {
    hex::encode(token_hash(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_resist_tampering() {
        let key = Secret::from_text("a key long enough for tests");
        let sig = key.sign("unsubscribe", "user=7");
        assert!(key.verify("unsubscribe", "user=7", &sig));
        assert!(!key.verify("unsubscribe", "user=8", &sig));
        assert!(!key.verify("other-purpose", "user=7", &sig));
        assert!(!Secret::from_text("another key").verify("unsubscribe", "user=7", &sig));
        assert!(!key.verify("unsubscribe", "user=7", "not base64 !"));
    }

    #[test]
    fn tokens_are_random_and_long() {
        let a = random_token(16);
        let b = random_token(16);
        assert_ne!(a, b);
        assert_eq!(a.len(), 22); // 128 bits
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Secret::from_text("hunter2")),
            "Secret(<redacted>)"
        );
    }
}
