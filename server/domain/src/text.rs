//! Text typed by people: refused when it carries NUL or other control characters (PostgreSQL cannot store
//! NUL, and the others have no place in a name or a post), trimmed, line ends normalised.

const CONTROL_MESSAGE: &str = "contains characters that are not allowed (control characters)";

/// One line of text (a name, a title): no control characters at all.
pub fn line(raw: &str) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err(CONTROL_MESSAGE.into());
    }
    Ok(raw.trim().to_owned())
}

/// A block of text (a bio, a post): line breaks and tabs allowed, `\r\n` becomes `\n`.
pub fn block(raw: &str) -> Result<String, String> {
    let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
    if normalised
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(CONTROL_MESSAGE.into());
    }
    Ok(normalised.trim().to_owned())
}

/// An optional web address (empty: none): `http(s)://`, one line, at most 500 characters.
pub fn optional_link(raw: &str) -> Result<Option<String>, String> {
    let link = raw.trim();
    if link.is_empty() {
        return Ok(None);
    }
    if !(link.starts_with("https://") || link.starts_with("http://"))
        || link.len() > 500
        || link.chars().any(char::is_control)
    {
        return Err("must be an http(s) address of at most 500 characters".into());
    }
    Ok(Some(link.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(line("  Lumen Bikes "), Ok("Lumen Bikes".into()));
        assert!(line("a\0b").is_err());
        assert!(line("a\nb").is_err());
        assert!(line("bell\u{7}").is_err());
        assert_eq!(block("one\r\ntwo\tthree\n"), Ok("one\ntwo\tthree".into()));
        assert!(block("nul\0").is_err());
        assert!(block("esc\u{1b}[31m").is_err());
        assert_eq!(optional_link(" "), Ok(None));
        assert_eq!(
            optional_link(" https://a.example/x "),
            Ok(Some("https://a.example/x".into()))
        );
        assert!(optional_link("javascript:alert(1)").is_err());
    }
}
