//! Forum inputs, parsed once.

/// A topic title: 8–140 characters on one line, inner whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Title, String> {
        let line = crate::text::line(raw)?;
        let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = collapsed.chars().count();
        if !(8..=140).contains(&count) {
            return Err("must be 8 to 140 characters".into());
        }
        if !collapsed.chars().any(char::is_alphanumeric) {
            return Err("must contain words".into());
        }
        Ok(Title(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post body in Markdown: 2–30,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownBody(String);

pub const BODY_MAX: usize = 30_000;

impl MarkdownBody {
    pub fn parse(raw: &str) -> Result<MarkdownBody, String> {
        let text = crate::text::block(raw)?;
        let count = text.chars().count();
        if count < 2 {
            return Err("must not be empty".into());
        }
        if count > BODY_MAX {
            return Err(format!("must be at most {BODY_MAX} characters"));
        }
        Ok(MarkdownBody(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A category slug: lower-case letters, digits and dashes, 1–40 characters, no dash at either end.
pub fn parse_slug(raw: &str) -> Result<String, String> {
    let slug = raw.trim().to_ascii_lowercase();
    let ok = !slug.is_empty()
        && slug.len() <= 40
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug)
    } else {
        Err("must be 1 to 40 lower-case letters, digits or dashes".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles() {
        assert_eq!(
            Title::parse("  Anybody   experience with the X2?  ").map(|t| t.0),
            Ok("Anybody experience with the X2?".into())
        );
        assert!(Title::parse("short").is_err());
        assert!(Title::parse(&"x".repeat(141)).is_err());
        assert!(Title::parse("!!!!!!!!!!").is_err());
        assert!(Title::parse("a title\nwith a break").is_err());
    }

    #[test]
    fn bodies_and_slugs() {
        assert!(MarkdownBody::parse(" ").is_err());
        assert!(MarkdownBody::parse("ok").is_ok());
        assert!(MarkdownBody::parse(&"a".repeat(BODY_MAX + 1)).is_err());
        assert!(MarkdownBody::parse("nul\0").is_err());
        assert_eq!(parse_slug("E-Bikes"), Ok("e-bikes".into()));
        for bad in ["", "-x", "x-", "a b", "ä", &"a".repeat(41)] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsed_titles_fit_the_database_check(raw in "\\PC{0,200}") {
            if let Ok(t) = Title::parse(&raw) {
                prop_assert!((8..=140).contains(&t.as_str().chars().count()));
            }
        }

        #[test]
        fn parsed_slugs_fit_the_database_check(raw in "[a-zA-Z0-9 -]{0,50}") {
            if let Ok(s) = parse_slug(&raw) {
                prop_assert!(s.len() <= 40 && !s.starts_with('-') && !s.ends_with('-'));
            }
        }
    }
}
