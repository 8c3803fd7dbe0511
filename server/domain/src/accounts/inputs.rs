//! Account inputs, parsed once at the edge and valid afterwards.

use std::collections::HashSet;
use std::sync::OnceLock;

/// A member's handle: 3–20 letters, digits or underscores; not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

const RESERVED_USERNAMES: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "hearth",
    "mod",
    "moderator",
    "moderators",
    "null",
    "root",
    "staff",
    "support",
    "system",
    "undefined",
    "everyone",
    "here",
    "help",
    "official",
    "team",
    "webmaster",
];

impl Username {
    pub fn parse(raw: &str) -> Result<Username, String> {
        let value = raw.trim();
        let count = value.chars().count();
        if !(3..=20).contains(&count) {
            return Err("must be 3 to 20 characters".into());
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err("may contain only letters, digits and underscores".into());
        }
        // `former_<id>` names the accounts of deleted members.
        let lower = value.to_ascii_lowercase();
        if RESERVED_USERNAMES.contains(&lower.as_str()) || lower.starts_with("former_") {
            return Err("is reserved; please choose another".into());
        }
        Ok(Username(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address: trimmed, with a lower-case domain; compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("is required".into());
        }
        if value.len() > 254 {
            return Err("is too long".into());
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err("must be an e-mail address like name@example.com".into());
        };
        let valid_local = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>' && c != ',');
        let valid_domain = domain.len() >= 3
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !valid_local || !valid_domain {
            return Err("must be an e-mail address like name@example.com".into());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–128 characters and not one of the 20,000 most common passwords of that length (the list
/// and its source are in `common_passwords.txt`).
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common_passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

impl Password {
    /// Parses a password chosen by a member; `personal` are their username and e-mail, which it may not equal.
    pub fn parse_new(raw: &str, personal: &[&str]) -> Result<Password, String> {
        let count = raw.chars().count();
        if count < PASSWORD_MIN {
            return Err(format!("must be at least {PASSWORD_MIN} characters"));
        }
        if count > PASSWORD_MAX {
            return Err(format!("must be at most {PASSWORD_MAX} characters"));
        }
        let lower = raw.to_lowercase();
        if common_passwords().contains(lower.as_str()) {
            return Err("is one of the most common passwords; please choose another".into());
        }
        if personal
            .iter()
            .any(|p| !p.is_empty() && p.to_lowercase() == lower)
        {
            return Err("must not be your username or e-mail address".into());
        }
        Ok(Password(raw.to_owned()))
    }

    /// A password typed to log in: only its length is bounded (hashing very long input is a DoS vector).
    pub fn parse_attempt(raw: &str) -> Result<Password, String> {
        if raw.is_empty() {
            return Err("is required".into());
        }
        if raw.chars().count() > PASSWORD_MAX {
            return Err(format!("must be at most {PASSWORD_MAX} characters"));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An optional display name: up to 50 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<Option<String>, String> {
    let value = crate::text::line(raw)?;
    let value = value.as_str();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > 50 {
        return Err("must be at most 50 characters".into());
    }
    Ok(Some(value.to_owned()))
}

/// A short plain-text biography: up to 500 characters.
pub fn parse_bio(raw: &str) -> Result<String, String> {
    let value = crate::text::block(raw)?;
    if value.chars().count() > 500 {
        return Err("must be at most 500 characters".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("ada_99").is_ok());
        assert_eq!(Username::parse("  ada  ").map(|u| u.0), Ok("ada".into()));
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("a".repeat(21).as_str()).is_err());
        assert!(Username::parse("ada lovelace").is_err());
        assert!(Username::parse("adä").is_err());
        assert!(Username::parse("Admin").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").map(|e| e.0),
            Ok("Ada@example.com".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a b@example.com",
            "ada@-example.com",
            "ada@example..com",
            "<ada>@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::parse_new("correct horse battery", &["ada"]).is_ok());
        assert!(Password::parse_new("short", &[]).is_err());
        assert!(Password::parse_new(&"x".repeat(129), &[]).is_err());
        assert!(Password::parse_new("password1", &[]).is_err(), "common");
        assert!(Password::parse_new("BASEBALL", &[]).is_err(), "common, any case");
        assert!(Password::parse_new("qwertyuiop", &[]).is_err(), "common");
        // The list is long enough to matter: 20,000 entries of at least 8 characters, deep ones refused too.
        assert!(common_passwords().len() >= 10_000, "{}", common_passwords().len());
        assert!(common_passwords().iter().all(|p| p.chars().count() >= 8));
        for deep in ["accessno", "redwood1", "Redwood1"] {
            assert!(Password::parse_new(deep, &[]).is_err(), "{deep}");
        }
        assert!(
            Password::parse_new("ada_lovelace", &["ada_lovelace"]).is_err(),
            "personal"
        );
        assert_eq!(common_passwords().len(), 20_000);
    }

    #[test]
    fn password_debug_is_redacted() {
        let p = Password::parse_attempt("secret-value").map(|p| format!("{p:?}"));
        assert_eq!(p.as_deref(), Ok("Password(<redacted>)"));
    }

    proptest! {
        #[test]
        fn parsed_usernames_satisfy_the_database_check(raw in "\\PC{0,30}") {
            if let Ok(name) = Username::parse(&raw) {
                let n = name.as_str();
                prop_assert!((3..=20).contains(&n.len()));
                prop_assert!(n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            }
        }

        #[test]
        fn parsed_emails_satisfy_the_database_check(raw in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&raw) {
                let e = email.as_str();
                prop_assert!(e.find('@').is_some_and(|i| i > 0));
                prop_assert!(e.len() <= 254);
                prop_assert!(!e.chars().any(char::is_whitespace));
            }
        }

        #[test]
        fn password_length_rule(len in 0usize..200) {
            let raw: String = std::iter::repeat_n('k', len).chain("Zq!".chars()).collect();
            let ok = Password::parse_new(&raw, &[]).is_ok();
            let count = raw.chars().count();
            prop_assert_eq!(ok, (PASSWORD_MIN..=PASSWORD_MAX).contains(&count));
        }
    }
}
